import { createBrowserRouter, Navigate, type RouteObject } from 'react-router';
import type { Permission } from '#shared/auth/permissions.js';
import { EmptyState } from '../ui/index.js';
import { useCan } from './context.js';
import { Layout } from './Layout.js';
import { PAGES } from './pages.js';
import { SignIn } from '../pages/auth/SignIn.js';
import { SignUp } from '../pages/auth/SignUp.js';

/** Opening a page the role may not use (say, from a shared link) explains instead of failing. */
function Guard({ permission, children }: { permission: Permission; children: React.ReactNode }) {
  const can = useCan();
  if (!can(permission)) {
    return (
      <EmptyState title="You don't have access to this page">
        Your role does not include <code>{permission}</code>. An admin of your organization can change your role.
      </EmptyState>
    );
  }
  return <>{children}</>;
}

const pageRoutes: RouteObject[] = PAGES.map((page) => ({
  ...(page.path === '' ? { index: true } : { path: page.path }),
  lazy: async () => {
    const { default: Page } = await page.load();
    return {
      Component: () => (
        <Guard permission={page.permission}>
          <Page />
        </Guard>
      ),
    };
  },
  handle: { title: page.title },
}));

export const router = createBrowserRouter([
  { path: '/sign-in', element: <SignIn /> },
  { path: '/sign-up', element: <SignUp /> },
  {
    path: '/',
    element: <Layout />,
    children: [
      ...pageRoutes,
      {
        path: '*',
        element: (
          <EmptyState title="Page not found" action={<a href="/">Go to the dashboard</a>}>
            There is no page at this address.
          </EmptyState>
        ),
      },
    ],
  },
  { path: '*', element: <Navigate to="/" replace /> },
]);
