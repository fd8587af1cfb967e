import { PageHeader } from '../../ui/index.js';

export default function AuditLog() {
  return <PageHeader title="AuditLog" />;
}
