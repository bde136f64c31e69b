import { createBrowserRouter, Navigate, type RouteObject, RouterProvider } from 'react-router-dom';

import { AppFrame } from './components/AppFrame.tsx';
import { navigationEntries } from './navigation.ts';
import { NotFoundPage } from './pages/NotFoundPage.tsx';
import { SectionPage } from './pages/SectionPage.tsx';

/** The route tree: the frame around every page, `/` going to the clusters list. */
export const appRoutes: RouteObject[] = [
  {
    element: <AppFrame />,
    children: [
      { index: true, element: <Navigate to="/clusters" replace /> },
      ...navigationEntries.map((entry) => ({
        path: entry.path,
        element: <SectionPage entry={entry} />,
      })),
      { path: '*', element: <NotFoundPage /> },
    ],
  },
];

const router = createBrowserRouter(appRoutes);

/** The app's router in the browser. */
export function AppRouter() {
  return <RouterProvider router={router} />;
}
