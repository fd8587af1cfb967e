import { PageHeader } from '../ui/index.js';

export default function Ingestion() {
  return <PageHeader title="Ingestion" />;
}
