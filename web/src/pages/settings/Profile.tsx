import { PageHeader } from '../../ui/index.js';

export default function Profile() {
  return <PageHeader title="Profile" />;
}
