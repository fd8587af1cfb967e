import { PageHeader } from '../../ui/index.js';

export default function Organization() {
  return <PageHeader title="Organization" />;
}
