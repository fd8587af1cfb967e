import { Suspense, useEffect, useState } from 'react';
import { NavLink, Navigate, Outlet, useLocation, useNavigate } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import { AskButton } from '../assistant/AskButton.js';
import { Badge, Button, ErrorState, Loading } from '../ui/index.js';
import { useCan, useMe, useSession, useSignedIn } from './context.js';
import { PAGES, SECTIONS } from './pages.js';
import { applyTheme, storedTheme, type ThemeChoice } from './theme.js';

const ROLE_NAMES: Record<string, string> = {
  viewer: 'Viewer',
  analyst: 'Analyst',
  engineer: 'Engineer',
  finops_manager: 'FinOps manager',
  admin: 'Admin',
};

/** The signed-in shell: navigation for what the role may use, the organization, the user menu. */
export function Layout() {
  const signedIn = useSignedIn();
  const location = useLocation();
  const me = useMe();
  if (!signedIn) {
    const next = location.pathname + location.search;
    return <Navigate to={next === '/' ? '/sign-in' : `/sign-in?next=${encodeURIComponent(next)}`} replace />;
  }
  if (me.isPending) {
    return (
      <div className="auth">
        <Loading label="Loading your organization" />
      </div>
    );
  }
  if (me.isError) {
    return (
      <div className="auth">
        <ErrorState error={me.error} onRetry={() => void me.refetch()} />
      </div>
    );
  }
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <Sidebar />
      <div className="main">
        <TopBar />
        <main id="main" className="content" tabIndex={-1}>
          <Suspense fallback={<Loading rows={6} />}>
            <Outlet />
          </Suspense>
        </main>
      </div>
    </div>
  );
}

function Sidebar() {
  const can = useCan();
  const visible = PAGES.filter((p) => !p.hidden && can(p.permission));
  return (
    <nav className="sidebar" aria-label="Main">
      <NavLink to="/" className="brand" aria-label="CloudOptima home">
        <img src="/favicon.svg" alt="" />
        CloudOptima
      </NavLink>
      {SECTIONS.map((section) => {
        const pages = visible.filter((p) => p.section === section);
        if (pages.length === 0) return null;
        return (
          <div className="nav-section" key={section}>
            <h3>{section}</h3>
            {pages.map((page) => (
              <NavLink key={page.path} to={`/${page.path}`} end={page.path === ''} className="nav-link">
                {page.title}
              </NavLink>
            ))}
          </div>
        );
      })}
    </nav>
  );
}

function TopBar() {
  const me = useMe().data!;
  const session = useSession();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [theme, setTheme] = useState<ThemeChoice>(storedTheme);
  const [leaving, setLeaving] = useState(false);
  useEffect(() => applyTheme(theme), [theme]);

  const signOut = async () => {
    setLeaving(true);
    await session.signOut();
    queryClient.clear();
    navigate('/sign-in', { replace: true });
  };

  return (
    <header className="topbar">
      <div className="topbar-org" data-testid="org-name">
        {me.tenant.name}
      </div>
      <div className="topbar-user">
        <AskButton />
        <label className="visually-hidden" htmlFor="theme">
          Theme
        </label>
        <select id="theme" value={theme} onChange={(e) => setTheme(e.target.value as ThemeChoice)}>
          <option value="system">System theme</option>
          <option value="light">Light</option>
          <option value="dark">Dark</option>
        </select>
        <span data-testid="user-email">{me.user?.email ?? 'API key'}</span>
        <Badge tone="info">
          <span data-testid="user-role">{ROLE_NAMES[me.role] ?? me.role}</span>
        </Badge>
        <Button variant="ghost" onClick={() => void signOut()} busy={leaving}>
          Sign out
        </Button>
      </div>
    </header>
  );
}
