import { PageHeader } from '../ui/index.js';

export default function Billing() {
  return <PageHeader title="Billing" />;
}
