import { PageHeader } from '../../ui/index.js';

export default function Users() {
  return <PageHeader title="Users" />;
}
