// Refreshes docs/screenshots/*.png: every main page of the web app in
// headless Chromium against a throwaway server on the guangdong-2016
// scenario. Run after scripts/build: `node web/e2e/screenshots.mjs`.
import { mkdirSync } from 'node:fs'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'
import { startServer } from './server.mjs'

const out = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'screenshots')
mkdirSync(out, { recursive: true })
const server = await startServer()
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'] })
try {
  const shots = [
    [null, '/login', 'login', 'button[type=submit]'],
    ['enterprise', '/result', 'enterprise-result', 'img[data-test=key-chart]'],
    ['enterprise', '/assessment', 'questionnaire', '[data-test^=q-]'],
    ['guangdong', '/progress', 'progress', '[data-test=progress-table]'],
    ['guangzhou', '/review', 'review', '[data-test=review-table]'],
    ['guangzhou', '/outstanding', 'outstanding', '[data-test=outstanding-table]'],
    ['guangzhou', '/enterprises', 'enterprises', '[data-test=enterprise-table]'],
    ['guangdong', '/datamap', 'datamap', '[data-test=map] svg path'],
    ['guangdong', '/circulars', 'circulars', '[data-test=circulars-table]'],
    ['guangzhou', '/contacts', 'contacts', 'input[data-test=leader-name]'],
    ['guangdong', '/accounts', 'accounts', '[data-test=accounts-table] .el-table__row'],
    [null, '/register', 'register', '[data-test=register-submit]'],
    // On a phone (390 × 844), as officials and managers open links.
    ['enterprise', '/result', 'phone-result', 'img[data-test=key-chart]', true],
    ['enterprise', '/assessment', 'phone-questionnaire', '[data-test^=q-]', true],
    ['guangzhou', '/review', 'phone-review', '[data-test=review-table]', true],
    ['guangdong', '/progress', 'phone-progress', '[data-test=progress-table]', true],
    ['guangdong', '/datamap', 'phone-datamap', '[data-test=map] svg path', true],
  ]
  for (const [user, path, name, ready, phone] of shots) {
    const viewport = phone ? { width: 390, height: 844 } : { width: 1360, height: 900 }
    const page = await browser.newPage({ viewport, locale: 'zh-CN' })
    if (user) {
      await page.goto(`${server.url}/login`)
      await page.fill('input[name=username]', user)
      await page.fill('input[name=password]', 'Rongping2016')
      await page.click('button[type=submit]')
      await page.waitForURL((url) => !url.pathname.startsWith('/login'))
    }
    await page.goto(server.url + path)
    await page.locator(ready).first().waitFor()
    await page.waitForTimeout(600) // charts finish their animation
    await page.screenshot({ path: join(out, `${name}.png`), fullPage: !phone })  // a phone: its first screen
    await page.close()
    console.log(`screenshot: docs/screenshots/${name}.png`)
  }
} finally {
  await browser.close()
  await server.stop()
}
