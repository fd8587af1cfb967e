import { PageHeader } from '../../ui/index.js';

export default function ApiKeys() {
  return <PageHeader title="ApiKeys" />;
}
