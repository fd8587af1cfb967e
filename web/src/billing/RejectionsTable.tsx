import { count } from './labels.js';
import type { Ingestion } from './types.js';

/** The rejected rows the API lists (the first 100), each with its file, line, column and reason. */
export function RejectionsTable({ ingestion }: { ingestion: Ingestion }) {
  const { rejections, rowsRejected } = ingestion;
  const multipleFiles = new Set(rejections.map((r) => r.file)).size > 1;
  return (
    <>
      {rowsRejected > rejections.length ? (
        <p className="muted billing-note">
          Showing the first {count(rejections.length)} of {count(rowsRejected)} rejected rows.
        </p>
      ) : null}
      <div className="table-wrap billing-rejections">
        <table className="table" data-testid="rejections">
          <thead>
            <tr>
              {multipleFiles ? <th scope="col">File</th> : null}
              <th scope="col" className="num">
                Line
              </th>
              <th scope="col">Column</th>
              <th scope="col">Problem</th>
              <th scope="col">Reason</th>
            </tr>
          </thead>
          <tbody>
            {rejections.map((r, i) => (
              <tr key={`${r.file}-${r.line}-${i}`}>
                {multipleFiles ? <td className="mono">{r.file}</td> : null}
                <td className="num" data-testid="rejection-line">
                  {r.line}
                </td>
                <td data-testid="rejection-column">{r.column ? <code>{r.column}</code> : <span className="muted">Whole row</span>}</td>
                <td>
                  <code className="billing-code">{r.code}</code>
                </td>
                <td data-testid="rejection-reason">{r.message.replace(/^line \d+:\s*/, '')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
