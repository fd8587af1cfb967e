import { PageHeader } from '../ui/index.js';

export default function TopResources() {
  return <PageHeader title="TopResources" />;
}
