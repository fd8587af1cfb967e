import { PageHeader } from '../ui/index.js';

export default function Dashboard() {
  return <PageHeader title="Dashboard" />;
}
