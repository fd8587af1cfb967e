/** The rule catalog as the Markdown table in shared/recommendations/README.md (a unit test keeps them equal). */
import { RULE_CATALOG } from './engine.js';

const cell = (s: string) => s.replace(/\|/g, '\\|');

export function catalogTable(): string {
  const rows = RULE_CATALOG.map((r) => `| \`${r.id}\` | ${cell(r.title)} | ${r.category} | ${r.pillar} | ${r.actionType} | ${r.risk} | ${r.effort} | ${cell(r.savingsMethod)} |`);
  return ['| id | title | category | pillar | action | risk | effort | how savings are computed |', '| --- | --- | --- | --- | --- | --- | --- | --- |', ...rows].join('\n');
}
