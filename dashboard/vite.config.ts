/** Vite build of the dashboard: output into the Python package, relative asset paths, no source maps. */
import { fileURLToPath } from "node:url";

import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  base: "./",
  plugins: [react()],
  resolve: {
    alias: {
      "@iris/client": here("../clients/typescript/src/index.ts"),
      // The client's sources import openapi-fetch: resolve it from this folder's node_modules.
      "openapi-fetch": here("./node_modules/openapi-fetch"),
    },
  },
  build: {
    outDir: here("../app/api/dashboard/static"),
    emptyOutDir: true,
    sourcemap: false,
    target: "es2022",
    reportCompressedSize: true,
    chunkSizeWarningLimit: 600,
  },
});
