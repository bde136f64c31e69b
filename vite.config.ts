import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The web app lives in src/web and is built into dist/web, which the portal server serves.
// `npm run dev` proxies API calls to a portal on 127.0.0.1:8080.
export default defineConfig({
  root: 'src/web',
  plugins: [react()],
  build: {
    outDir: '../../dist/web',
    emptyOutDir: true,
    sourcemap: true,
    rolldownOptions: {
      output: {
        // React (with the router) in a chunk of its own: it changes less often than the app
        // (better caching), and no chunk passes Vite's 500 kB warning. Other libraries stay with
        // the code that uses them, so lazily loaded pages keep theirs out of the initial load
        // (a Mantine chunk would pull lazy components in: +14 KB gzipped), which
        // scripts/checkBundleSize.ts holds to its gzipped budget.
        codeSplitting: {
          groups: [
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler|react-router)/ },
          ],
        },
      },
    },
  },
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:8080',
      '/healthz': 'http://127.0.0.1:8080',
    },
  },
});
