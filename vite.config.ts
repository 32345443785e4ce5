/** The web UI's build: src/web/app (Preact + TypeScript) → dist/web, which src/web/routes.ts serves. */
import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';

export default defineConfig({
  root: 'src/web/app',
  base: '/',
  plugins: [preact()],
  build: {
    outDir: '../../../dist/web',
    emptyOutDir: true,
    // No inline <script> or style (the UI's Content-Security-Policy allows neither).
    assetsInlineLimit: 0,
    reportCompressedSize: false,
  },
  // `npx vite` serves the app with hot reload against a `npm start` on port 3000.
  server: { proxy: { '/api': 'http://localhost:3000', '/oauth': 'http://localhost:3000' } },
});
