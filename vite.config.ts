import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

// The console is built once at install time (postinstall) into dist/console and served by the service at /console/.
export default defineConfig({
  root: fileURLToPath(new URL('./src/console/web', import.meta.url)),
  base: '/console/',
  plugins: [vue()],
  build: {
    outDir: fileURLToPath(new URL('./dist/console', import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
    // Plugin timing reports only say the machine was busy during `npm install`; they are not actionable.
    rolldownOptions: { checks: { bundlerTimings: false } },
  },
  logLevel: 'warn',
})
