import { PageHeader } from '../ui/index.js';

export default function CostExplorer() {
  return <PageHeader title="CostExplorer" />;
}
