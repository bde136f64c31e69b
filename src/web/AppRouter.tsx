import { lazy, type ReactNode, Suspense } from 'react';
import { createBrowserRouter, Navigate, type RouteObject, RouterProvider } from 'react-router-dom';

import { AppFrame } from './components/AppFrame.tsx';
import { SignedIn } from './components/SignedIn.tsx';
import { AboutPage } from './pages/AboutPage.tsx';
import { AdminPage } from './pages/AdminPage.tsx';
import { ClusterDetailPage } from './pages/ClusterDetailPage.tsx';
import { ClustersPage } from './pages/ClustersPage.tsx';
import { CreateClusterPage } from './pages/CreateClusterPage.tsx';
import { GpusPage } from './pages/GpusPage.tsx';
import { LoginPage } from './pages/LoginPage.tsx';
import { NotFoundPage } from './pages/NotFoundPage.tsx';
import { TemplatesPage } from './pages/TemplatesPage.tsx';
import { TokensPage } from './pages/TokensPage.tsx';
import { UsagePage } from './pages/UsagePage.tsx';
import { StreamProvider } from './stream/StreamProvider.tsx';

// The jobs pages (and the log viewer they bring) load when first visited, so they weigh nothing
// in the initial bundle budget (scripts/checkBundleSize.ts).
const JobsPage = lazy(() => import('./pages/JobsPage.tsx').then((m) => ({ default: m.JobsPage })));
const JobDetailPage = lazy(() =>
  import('./pages/JobDetailPage.tsx').then((m) => ({ default: m.JobDetailPage })),
);
const SubmitJobPage = lazy(() =>
  import('./pages/SubmitJobPage.tsx').then((m) => ({ default: m.SubmitJobPage })),
);

// The Services pages (issue 14) load when first visited, like the jobs pages.
const ServicesPage = lazy(() =>
  import('./pages/ServicesPage.tsx').then((m) => ({ default: m.ServicesPage })),
);
const ServiceDetailPage = lazy(() =>
  import('./pages/ServiceDetailPage.tsx').then((m) => ({ default: m.ServiceDetailPage })),
);
const CreateServicePage = lazy(() =>
  import('./pages/CreateServicePage.tsx').then((m) => ({ default: m.CreateServicePage })),
);

/** A lazily loaded page, with a quiet placeholder while its code arrives. */
function lazyPage(page: ReactNode) {
  return <Suspense fallback={<div aria-busy="true" />}>{page}</Suspense>;
}

/** The route tree: the login page, and the signed-in frame around every other page. */
export const appRoutes: RouteObject[] = [
  { path: '/login', element: <LoginPage /> },
  {
    element: (
      <SignedIn>
        <StreamProvider enabled>
          <AppFrame />
        </StreamProvider>
      </SignedIn>
    ),
    children: [
      { index: true, element: <Navigate to="/clusters" replace /> },
      { path: '/clusters', element: <ClustersPage /> },
      { path: '/clusters/new', element: <CreateClusterPage /> },
      { path: '/clusters/:team/:name', element: <ClusterDetailPage /> },
      { path: '/jobs', element: lazyPage(<JobsPage />) },
      { path: '/jobs/new', element: lazyPage(<SubmitJobPage />) },
      { path: '/jobs/:team/:id', element: lazyPage(<JobDetailPage />) },
      { path: '/services', element: lazyPage(<ServicesPage />) },
      { path: '/services/new', element: lazyPage(<CreateServicePage />) },
      { path: '/services/:team/:name', element: lazyPage(<ServiceDetailPage />) },
      { path: '/gpus', element: <GpusPage /> },
      { path: '/usage', element: <UsagePage /> },
      { path: '/templates', element: <TemplatesPage /> },
      { path: '/admin', element: <AdminPage /> },
      { path: '/tokens', element: <TokensPage /> },
      { path: '/about', element: <AboutPage /> },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
];

const router = createBrowserRouter(appRoutes);

/** The app's router in the browser. */
export function AppRouter() {
  return <RouterProvider router={router} />;
}
