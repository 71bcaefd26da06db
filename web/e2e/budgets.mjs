// Measures the web app's budgets in headless Chromium against a throwaway
// server and prints them (figures, not a test: timings vary with load):
//   initial JavaScript of the login page, gzipped (budget ≤ 500 KB);
//   login page interactive — navigation to the submit button visible —
//   median and worst of 15 cold loads (budget ≤ 1 s).
// Run after scripts/build: `node web/e2e/budgets.mjs`.
import { gzipSync } from 'node:zlib'
import { chromium } from 'playwright-core'
import { startServer } from './server.mjs'

const server = await startServer()
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'] })
try {
  const times = []
  let bytes = 0
  for (let i = 0; i < 15; i++) {
    const context = await browser.newContext() // a cold cache each time
    const page = await context.newPage()
    const scripts = []
    page.on('response', (r) => {
      if (r.url().endsWith('.js')) scripts.push(r)
    })
    const started = performance.now()
    await page.goto(`${server.url}/login`)
    await page.locator('button[type=submit]').waitFor({ state: 'visible' })
    times.push(performance.now() - started)
    // Sizes after the timing, so that compressing them does not slow the load.
    bytes = 0
    for (const r of scripts) bytes += gzipSync(await r.body()).length
    await context.close()
  }
  times.sort((a, b) => a - b)
  console.log(`initial JavaScript (login page): ${(bytes / 1024).toFixed(1)} KB gzipped (budget 500 KB)`)
  console.log(`login interactive: median ${times[7].toFixed(0)} ms, worst ${times[14].toFixed(0)} ms of 15 cold loads (budget 1000 ms)`)
} finally {
  await browser.close()
  await server.stop()
}
