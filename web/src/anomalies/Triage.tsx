import { useId, useState } from 'react';
import { minimumRoleFor } from '#shared/auth/permissions.js';
import type { AnomalyFeedback, AnomalyStatus } from '#shared/analysis/constants.js';
import { updateAnomalyRequest } from '#shared/contracts/analysis.js';
import { useCan, useTimeZone } from '../app/context.js';
import { formatDateTime } from '../format.js';
import { Button, Card, Dialog, Field, Notice } from '../ui/index.js';
import { useContractForm } from '../ui/form.js';
import { FEEDBACK_LABELS, StatusBadge, type AnomalyDetail } from './labels.js';
import { useUpdateAnomaly, type AnomalyUpdate } from './queries.js';

/**
 * The anomaly's lifecycle and feedback: everyone sees where it stands; roles with anomalies:write
 * acknowledge, resolve, ignore or reopen it and mark it expected or real, each with an optional note.
 * The dialog's form is validated by the API's own body schema (updateAnomalyRequest).
 */
type Action =
  | { kind: 'status'; status: AnomalyStatus }
  | { kind: 'feedback'; feedback: AnomalyFeedback | null }
  | { kind: 'note' };

const STATUS_ACTIONS: Record<AnomalyStatus, { verb: string; title: string; explain: string; done: string }> = {
  acknowledged: {
    verb: 'Acknowledge',
    title: 'Acknowledge this anomaly',
    explain: 'Tells your team someone is looking into it. It stays open until it is resolved or ignored.',
    done: 'Anomaly acknowledged.',
  },
  resolved: { verb: 'Resolve', title: 'Resolve this anomaly', explain: 'The cause is fixed, or spend is back to what is expected.', done: 'Anomaly resolved.' },
  ignored: {
    verb: 'Ignore',
    title: 'Ignore this anomaly',
    explain: 'Closes it without action. To have later anomalies of the same cause ignored too, mark it expected.',
    done: 'Anomaly ignored.',
  },
  active: { verb: 'Reopen', title: 'Reopen this anomaly', explain: 'Sets it back to active, as when it was found.', done: 'Anomaly reopened.' },
};

/** What each status can move to. */
const NEXT: Record<AnomalyStatus, AnomalyStatus[]> = {
  active: ['acknowledged', 'resolved', 'ignored'],
  acknowledged: ['resolved', 'ignored', 'active'],
  resolved: ['active'],
  ignored: ['active'],
};

function describe(action: Action, anomaly: AnomalyDetail): { verb: string; title: string; explain: string; done: string } {
  if (action.kind === 'status') return STATUS_ACTIONS[action.status];
  if (action.kind === 'note') return { verb: 'Save note', title: anomaly.note ? 'Edit the note' : 'Add a note', explain: 'Visible to everyone in your organization who can see anomalies.', done: 'Note saved.' };
  if (action.feedback === 'expected')
    return {
      verb: 'Mark expected',
      title: 'Mark as expected',
      explain: 'Planned or known spend (a migration, a load test, a launch). Later anomalies with the same cause are ignored automatically.',
      done: 'Marked as expected.',
    };
  if (action.feedback === 'real')
    return { verb: 'Mark real', title: 'Mark as a real anomaly', explain: 'Confirms the spend was not expected. The feedback is kept with the anomaly.', done: 'Marked as a real anomaly.' };
  return {
    verb: 'Clear feedback',
    title: 'Clear the feedback',
    explain: anomaly.feedback === 'expected' ? 'Later anomalies with the same cause are flagged again.' : 'Removes the feedback given so far.',
    done: 'Feedback cleared.',
  };
}

export function Triage({ anomaly }: { anomaly: AnomalyDetail }) {
  const can = useCan();
  const timeZone = useTimeZone();
  const [action, setAction] = useState<Action | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const writable = can('anomalies:write');
  const open = (a: Action) => {
    setDone(null);
    setAction(a);
  };

  return (
    <Card title="Triage">
      <div className="anomaly-triage" data-testid="triage">
        {done ? <Notice tone="good">{done}</Notice> : null}
        <div className="anomaly-triage-row">
          <span className="muted">Status</span>
          <span data-testid="anomaly-status">
            <StatusBadge status={anomaly.status} />
          </span>
          {anomaly.statusChangedAt ? <span className="muted anomaly-sub">since {formatDateTime(anomaly.statusChangedAt, timeZone)}</span> : null}
        </div>
        {writable ? (
          <div className="anomaly-triage-row" role="group" aria-label="Change the status">
            {NEXT[anomaly.status].map((s) => (
              <Button key={s} variant={s === 'acknowledged' || (s === 'resolved' && anomaly.status === 'acknowledged') ? 'primary' : 'secondary'} onClick={() => open({ kind: 'status', status: s })}>
                {STATUS_ACTIONS[s].verb}
              </Button>
            ))}
          </div>
        ) : null}
        <div className="anomaly-triage-row">
          <span className="muted">Feedback</span>
          <span data-testid="anomaly-feedback">{anomaly.feedback ? FEEDBACK_LABELS[anomaly.feedback] : <span className="muted">None yet</span>}</span>
          {anomaly.suppressed ? <span className="muted anomaly-sub">Ignored: an earlier anomaly of the same cause was marked expected</span> : null}
        </div>
        {writable ? (
          <div className="anomaly-triage-row" role="group" aria-label="Give feedback">
            {anomaly.feedback !== 'expected' ? <Button onClick={() => open({ kind: 'feedback', feedback: 'expected' })}>Mark expected</Button> : null}
            {anomaly.feedback !== 'real' ? <Button onClick={() => open({ kind: 'feedback', feedback: 'real' })}>Mark real</Button> : null}
            {anomaly.feedback ? (
              <Button variant="ghost" onClick={() => open({ kind: 'feedback', feedback: null })}>
                Clear feedback
              </Button>
            ) : null}
          </div>
        ) : null}
        <div className="anomaly-triage-row">
          <span className="muted">Note</span>
          {writable ? (
            <Button variant="ghost" onClick={() => open({ kind: 'note' })}>
              {anomaly.note ? 'Edit note' : 'Add note'}
            </Button>
          ) : null}
        </div>
        {anomaly.note ? (
          <p className="anomaly-note" data-testid="anomaly-note">
            {anomaly.note}
          </p>
        ) : (
          <p className="muted anomaly-sub" data-testid="anomaly-note-empty">
            No note.
          </p>
        )}
        {writable ? null : (
          <p className="muted anomaly-sub" data-testid="triage-read-only">
            You can view this anomaly. Triage (acknowledge, resolve, feedback) takes the {minimumRoleFor('anomalies:write')} role or above.
          </p>
        )}
      </div>
      {action && writable ? (
        <ActionDialog
          key={JSON.stringify(action)}
          action={action}
          anomaly={anomaly}
          onClose={() => setAction(null)}
          onDone={(message) => {
            setAction(null);
            setDone(message);
          }}
        />
      ) : null}
    </Card>
  );
}

function ActionDialog({ action, anomaly, onClose, onDone }: { action: Action; anomaly: AnomalyDetail; onClose: () => void; onDone: (message: string) => void }) {
  const formId = useId();
  const text = describe(action, anomaly);
  const update = useUpdateAnomaly(anomaly.id);
  const change = action.kind === 'status' ? { status: action.status } : action.kind === 'feedback' ? { feedback: action.feedback } : {};
  const form = useContractForm(updateAnomalyRequest, { ...change, note: anomaly.note ?? '' });
  const { register, handleSubmit, formState } = form;

  const submit = handleSubmit(async (values) => {
    // Only what this action changes, and the note when it was edited ('' clears it).
    const note = values.note ? values.note : null;
    const body: AnomalyUpdate = {
      ...(action.kind === 'status' ? { status: values.status } : {}),
      ...(action.kind === 'feedback' ? { feedback: values.feedback ?? null } : {}),
      ...(note !== anomaly.note ? { note } : {}),
    };
    if (Object.keys(body).length === 0) return onClose();
    try {
      await update.mutateAsync(body);
      onDone(text.done);
    } catch (error) {
      form.showApiError(error);
    }
  });

  return (
    <Dialog
      open
      title={text.title}
      onClose={onClose}
      footer={
        <>
          <Button variant="ghost" onClick={onClose}>
            Cancel
          </Button>
          <Button variant="primary" type="submit" form={formId} busy={formState.isSubmitting}>
            {text.verb}
          </Button>
        </>
      }
    >
      <form id={formId} className="form anomaly-dialog-form" onSubmit={(e) => void submit(e)} noValidate>
        <p className="muted" style={{ margin: 0 }}>
          {text.explain}
        </p>
        <Field label={action.kind === 'note' ? 'Note' : 'Note (optional)'} error={formState.errors.note?.message} hint="For example: load test left running in eu-west-1, stopped on the 12th.">
          {(props) => <textarea {...props} {...register('note')} maxLength={1000} />}
        </Field>
        {formState.errors.root?.server ? (
          <p className="field-error" role="alert">
            {formState.errors.root.server.message}
          </p>
        ) : null}
      </form>
    </Dialog>
  );
}
