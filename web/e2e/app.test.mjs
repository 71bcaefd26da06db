// End-to-end tests of the web app in real headless Chromium (Debian's
// /usr/bin/chromium driven by playwright-core) against a real server on the
// guangdong-2016 scenario. Run by scripts/test: `node --test web/e2e/`.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startServer } from './server.mjs'
import { chromium } from 'playwright-core'
import { gzipSync } from 'node:zlib'
import { createRequire } from 'node:module'

const axeScript = createRequire(import.meta.url).resolve('axe-core/axe.min.js')

let server, browser

before(async () => {
  server = await startServer()
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'] })
})
after(async () => {
  await browser?.close()
  await server?.stop()
})

// A page logged in as `username`, in its own browser context unless one is given.
async function loggedIn(username, context) {
  const page = context ? await context.newPage() : await browser.newPage({ locale: 'zh-CN' })
  await page.goto(`${server.url}/login`)
  await page.fill('input[name=username]', username)
  await page.fill('input[name=password]', 'Rongping2016')
  await page.click('button[type=submit]')
  await page.waitForURL((url) => !url.pathname.startsWith('/login'))
  return page
}

test('an enterprise logs in and sees its stage, score and radar against peers', async () => {
  const page = await loggedIn('enterprise')
  await page.waitForURL('**/result')
  const stage = await page.locator('[data-test=stage]').innerText()
  assert.match(stage, /发展阶段：(起步建设|单项覆盖|集成提升|创新突破)/)
  assert.match(await page.locator('[data-test=total]').innerText(), /^\d+\.\d$/)
  // The report's own charts, drawn by the server, shown as loaded images.
  for (const chart of ['radar', 'key-chart']) {
    await page.waitForFunction((sel) => {
      const img = document.querySelector(`img[data-test=${sel}]`)
      return img !== null && img.complete && img.naturalWidth > 0
    }, chart)
  }
  await page.close()
})

test('with a benchmark pack loaded, the result page compares with the nation beside the region', async () => {
  const pack = await server.api('guangdong', 'GET', '/api/v1/rounds/gd-2016/benchmark-pack')
  Object.assign(pack.source, { installation: '国家两化融合服务平台', scope: '全国', as_of: '2016-12-31' })
  await server.api('guangdong', 'PUT', `/api/v1/benchmark-packs/${pack.model.id}`, pack)
  const page = await loggedIn('enterprise')
  await page.waitForURL('**/result')
  const national = page.locator('[data-test=national-peers]')
  await national.filter({ hasText: '全国' }).waitFor()
  assert.match(await national.innerText(), /全国同行业、同规模：.+ · 全国 \(n=\d+\)/)
  assert.match(await national.innerText(), /数据来源：国家两化融合服务平台，.+，截至 2016-12-31/)
  const header = await page.locator('[data-test=key-table] thead').innerText()
  assert.match(header, /本地区对标组/)
  assert.match(header, /全国同行业、同规模/)
  // The nation's column (the fifth: indicator, enterprise, region's mean
  // and n, nation's mean and n) shows shares as percentages.
  const rows = await page.locator('[data-test=key-table] tbody tr').evaluateAll((trs) =>
    trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent.trim())))
  const nationalShares = rows.filter((r) => /^\d+(\.\d)?%$/.test(r[4] ?? ''))
  assert.ok(nationalShares.length >= 4, JSON.stringify(rows))
  await page.close()
  await server.api('guangdong', 'DELETE', `/api/v1/benchmark-packs/${pack.model.id}`)
})

test('an enterprise keeps its own profile, but not the coded fields', async () => {
  const page = await loggedIn('enterprise')
  await page.click('text=企业信息')
  await page.locator('input[data-test=edit-phone]').waitFor()
  assert.equal(await page.locator('[data-test=edit-unit]').count(), 0)
  await page.fill('input[data-test=edit-phone]', '020-87654321')
  await page.click('[data-test=edit-save]')
  await page.locator('[data-test=edit-saved]').waitFor()
  const uscc = page.url().split('/').pop()
  assert.equal((await server.api('enterprise', 'GET', `/api/v1/enterprises/${uscc}`)).contact_phone, '020-87654321')
  await page.close()
})

test('a unit official sends a submission back and the progress table, which counts submissions, drops it', async () => {
  const page = await loggedIn('guangzhou')
  await page.waitForURL('**/progress')
  // The round counts what was submitted, as the notice defines 完成评估数, and says so.
  await page.locator('[data-test=counting-note]', { hasText: '上报' }).waitFor()
  const cell = page.locator('[data-test=completed-440100]')
  const before = Number((await cell.innerText()).replace(/,/g, ''))
  await page.click('text=审核')
  const reject = page.locator('[data-test^=reject-]').first()
  await reject.waitFor()
  // Stages in words, never their codes (coverage, starting).
  const stages = await page.locator('[data-test=review-table] [data-test=stage-cell]').allInnerTexts()
  assert.ok(stages.length > 0)
  for (const s of stages) assert.match(s.trim(), /^(起步建设|单项覆盖|集成提升|创新突破)$/)
  await reject.click()
  await page.fill('textarea[data-test=reject-reason], [data-test=reject-reason] textarea', '第3题数据与附表不符，请核对后重新提交')
  await page.click('[data-test=confirm-reject]')
  await page.waitForTimeout(300)
  await page.click('text=评估进度')
  await page.waitForFunction(
    (expected) => document.querySelector('[data-test=completed-440100]')?.textContent?.replace(/,/g, '') === String(expected),
    before - 1,
  )
  await page.close()
})

test("a city official typing another city's enterprise URL sees not found", async () => {
  const uscc = (await server.api('guangzhou', 'GET', '/api/v1/enterprises?per_page=1')).items[0].uscc
  const page = await loggedIn('shenzhen')
  await page.goto(`${server.url}/enterprises/${uscc}`)
  await page.locator('[data-test=not-found]').waitFor()
  assert.equal(await page.locator('[data-test=enterprise-name]').count(), 0)
  await page.close()
})

test('the data map renders the units with a legend for the chosen indicator', async () => {
  const page = await loggedIn('guangdong')
  await page.click('text=数据地图')
  const map = page.locator('[data-test=map] svg')
  await map.waitFor()
  // Every reporting unit is drawn: paths of a real size (not the legend's
  // few), one per unit at least.
  const regions = () =>
    [...document.querySelectorAll('[data-test=map] svg path')].filter((p) => {
      const box = p.getBoundingClientRect()
      return box.width > 8 && box.height > 8
    }).length
  await page.waitForFunction(regions)
  assert.ok((await page.evaluate(regions)) >= 22)
  assert.match(await page.locator('[data-test=map]').innerText(), /平均发展水平/)
  // 韶关 (3 completed) is withheld, and shown as such.
  assert.match(await page.locator('[data-test=datamap-table]').innerText(), /企业数不足/)
  // The stage distribution and the trend across rounds are drawn too.
  await page.waitForFunction(() => document.querySelectorAll('[data-test=stages] svg path').length > 4)
  await page.waitForFunction(() => document.querySelector('[data-test=trend]')?.textContent?.includes('2016'))
  await page.click('[data-test=indicator]')
  await page.locator('.el-select-dropdown:visible .el-select-dropdown__item').nth(1).click()
  await page.waitForFunction(() => !document.querySelector('[data-test=map]')?.textContent?.includes('平均发展水平'))
  // The table by industry group, then only one group chosen.
  await page.click('[data-test=table-by]')
  await page.locator('.el-select-dropdown:visible .el-select-dropdown__item', { hasText: '行业大类' }).click()
  await page.waitForFunction(() => document.querySelector('[data-test=datamap-table] thead')?.textContent?.includes('行业大类'))
  await page.waitForFunction(() => document.querySelectorAll('[data-test=datamap-table] tbody tr').length >= 2)
  await page.click('[data-test=industry-group]')
  await page.locator('.el-select-dropdown:visible .el-select-dropdown__item', { hasText: '装备' }).click()
  await page.waitForFunction(() => document.querySelectorAll('[data-test=datamap-table] tbody tr').length === 1)
  assert.match(await page.locator('[data-test=datamap-table] tbody').innerText(), /^装备/)
  // A region clicked on the map: the table shows that unit, broken down.
  const centres = await page.locator('[data-test=map] svg path').evaluateAll((paths) =>
    paths.map((p) => p.getBoundingClientRect()).filter((b) => b.width > 40 && b.height > 40)
      .map((b) => ({ x: b.x + b.width / 2, y: b.y + b.height / 2 })))
  for (const c of centres) {
    await page.mouse.click(c.x, c.y)
    if (await page.locator('[data-test=focus]').count()) break
  }
  await page.locator('[data-test=focus]').waitFor()
  await page.close()
})

test('the review queue and the enterprise list sort all their rows on the server, showing that they load; pages below a list say where they sit', async () => {
  const page = await loggedIn('guangdong')
  // The review queue by score: the whole queue's highest first, then its lowest (not the page's).
  const queue = (sort) => server.api('guangdong', 'GET', `/api/v1/rounds/gd-2016/assessments?status=submitted&per_page=1&sort=${sort}`)
  await page.goto(`${server.url}/review`)
  const review = page.locator('[data-test=review-table]')
  await review.locator('tbody tr').first().waitFor()
  const scoreHeader = review.locator('th', { hasText: '总分' })
  await scoreHeader.click()
  const highest = (await queue('-total')).items[0]
  await review.locator('tbody tr').first().locator(`[data-test=view-${highest.uscc}]`).waitFor()
  const scores = (await review.locator('tbody tr td:nth-child(5)').allInnerTexts()).map((x) => parseFloat(x.replace(/,/g, '')))
  assert.ok(scores.length > 10)
  assert.deepEqual(scores, [...scores].sort((a, b) => b - a))
  await scoreHeader.click()
  const lowest = (await queue('total')).items[0]
  await review.locator('tbody tr').first().locator(`[data-test=view-${lowest.uscc}]`).waitFor()

  // The enterprises by revenue, highest first, with the table masked while the server answers.
  let release
  const held = new Promise((resolve) => (release = resolve))
  await page.goto(`${server.url}/enterprises`)
  const list = page.locator('[data-test=enterprise-table]')
  await list.locator('tbody tr').first().waitFor()
  await page.route('**/api/v1/enterprises?*', async (route) => {
    await held
    await route.continue()
  })
  await list.locator('th', { hasText: '主营业务收入' }).click()
  await list.locator('.el-loading-mask').waitFor({ state: 'visible' })
  release()
  const richest = (await server.api('guangdong', 'GET', '/api/v1/enterprises?sort=-revenue&per_page=1')).items[0]
  await list.locator('tbody tr').first().locator('a', { hasText: richest.name }).waitFor()
  await list.locator('.el-loading-mask').waitFor({ state: 'hidden' })
  await page.unroute('**/api/v1/enterprises?*')

  // From a unit's count in the progress table to its queue, and back by the breadcrumb.
  await page.goto(`${server.url}/progress`)
  await page.click('[data-test=participating-440100]')
  const crumbs = page.locator('[data-test=breadcrumb]')
  await crumbs.filter({ hasText: '审核（广州市）' }).waitFor()
  await crumbs.locator('a, .is-link', { hasText: '评估进度' }).click()
  await page.waitForURL('**/progress')

  // A questionnaire opened for an enterprise names it, under the list and its record.
  await page.goto(`${server.url}/assessment?uscc=${richest.uscc}`)
  await crumbs.filter({ hasText: richest.name }).waitFor()
  assert.match(await crumbs.innerText(), /企业\s*\/\s*.+\s*\/\s*填报评估/)
  await crumbs.locator('a, .is-link', { hasText: richest.name }).click()
  await page.waitForURL(`**/enterprises/${richest.uscc}`)
  await page.close()
})

test('督办: from a unit behind its target to who has not done their part, one kind at a time, exported to Excel', async () => {
  const page = await loggedIn('guangdong')
  await page.waitForURL('**/progress')
  const gap = page.locator('[data-test^=gap-]').first()
  await gap.waitFor()
  const unit = (await gap.getAttribute('data-test')).slice('gap-'.length)
  await gap.click()
  await page.waitForURL((url) => url.pathname === '/outstanding' && url.searchParams.get('unit') === unit)
  const list = await server.api('guangdong', 'GET', `/api/v1/rounds/gd-2016/outstanding?unit=${unit}`)
  await page.locator('[data-test=breadcrumb]', { hasText: `督办（${list.region_name}）` }).waitFor()
  // The counts are the region's, each kind named as the server names it.
  const counts = page.locator('[data-test=outstanding-counts]')
  for (const kind of ['not_started', 'draft', 'rejected', 'waiting_review']) {
    await counts.getByText(`${list.labels[kind]} ${list.counts[kind]}`).waitFor()
  }
  const table = page.locator('[data-test=outstanding-table]')
  await table.locator('tbody tr').first().waitFor()
  assert.equal(await table.locator('tbody tr').count(), Math.min(50, list.total))
  // One kind: the sent-back ones, with whom to call.
  await page.click('[data-test=filter-state]')
  await page.locator('.el-select-dropdown__item:visible', { hasText: '已退回未重新提交' }).click()
  const rejected = await server.api('guangdong', 'GET', `/api/v1/rounds/gd-2016/outstanding?unit=${unit}&state=rejected`)
  assert.ok(rejected.total > 0)
  await table.locator(`[data-test=state-${rejected.items[0].uscc}]`).waitFor()
  const kinds = await table.locator('tbody [data-test^=state-]').allInnerTexts()
  assert.deepEqual([...new Set(kinds)], ['已退回未重新提交'])
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-test=export]')])
  assert.match(download.suggestedFilename(), new RegExp(`^两化融合评估督办清单（${list.region_name}，2016年广东省两化融合评估诊断和对标引导，截至\\d{4}年\\d{1,2}月\\d{1,2}日）\\.xlsx$`))
  await page.close()
})

test('the progress table sorts its units by a column, the total staying at the bottom', async () => {
  const page = await loggedIn('guangdong')
  await page.waitForURL('**/progress')
  const table = page.locator('[data-test=progress-table]')
  await table.locator('tbody tr').first().waitFor()
  // The rate column's figures (the progress bars' text), unit by unit, then the total's name.
  const read = () => table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent.trim())))
  const rates = (rows) => rows.slice(0, -1).map((r) => r[4]).filter((x) => x !== '—').map((x) => parseFloat(x))
  const header = table.locator('th', { hasText: '完成率' })
  await header.click()  // ascending
  await page.waitForFunction(() => document.querySelector('[data-test=progress-table] th.ascending') !== null)
  let rows = await read()
  // Every rate reads as a percentage, a unit that met its target too (not an icon instead).
  for (const r of rows) assert.match(r[4], /^(\d+\.\d%|—)$/, r.join(' '))
  assert.ok(rates(rows).length > 10)
  assert.deepEqual(rates(rows), [...rates(rows)].sort((a, b) => a - b))
  assert.equal(rows.at(-1)[0], '合计')
  await header.click()  // descending
  await page.waitForFunction(() => document.querySelector('[data-test=progress-table] th.descending') !== null)
  rows = await read()
  assert.deepEqual(rates(rows), [...rates(rows)].sort((a, b) => b - a))
  assert.equal(rows.at(-1)[0], '合计')
  await page.close()
})

test('the province generates a circular and it is listed for download', async () => {
  const page = await loggedIn('guangdong')
  await page.click('.el-menu-item:has-text("通报")')
  await page.locator('[data-test=circulars-table]').waitFor()
  const before = await page.locator('[data-test=circulars-table] tbody tr').count()
  await page.click('[data-test=generate]')
  await page.waitForFunction((n) => document.querySelectorAll('[data-test=circulars-table] tbody tr').length === n + 1, before)
  assert.match(await page.locator('[data-test=circulars-table]').innerText(), /通报/)
  // Downloads are saved under the document's own title, in Chinese.
  const [circular] = await Promise.all([page.waitForEvent('download'), page.locator('[data-test=circulars-table] tbody tr').first().getByText('Excel').click()])
  assert.match(circular.suggestedFilename(), /^.*通报.*\.xlsx$/)
  await page.click('.el-menu-item:has-text("评估进度")')
  const [progress] = await Promise.all([page.waitForEvent('download'), page.click('[data-test=export-csv]')])
  assert.match(progress.suggestedFilename(), /^两化融合评估诊断和对标引导情况表（广东省，截至\d{4}年\d{1,2}月\d{1,2}日）\.csv$/)
  await page.close()
})

test('工作报告: the province previews its yearly report and downloads it as Word and as PDF; a city gets its own', async () => {
  const page = await loggedIn('guangdong')
  await page.click('.el-menu-item:has-text("工作报告")')
  await page.waitForURL('**/reports')
  await page.click('[data-test=report-year]')
  await page.locator('.el-select-dropdown__item:visible', { hasText: '2016' }).click()
  // The page itself, in a new tab that goes with the cookie session.
  const [tab] = await Promise.all([page.waitForEvent('popup'), page.click('[data-test=report-preview]')])
  await tab.waitForLoadState()
  assert.match(await tab.locator('body').innerText(), /广东省2016年两化融合评估诊断和对标引导工作报告/)
  await tab.close()
  const [word] = await Promise.all([page.waitForEvent('download'), page.click('[data-test=report-docx]')])
  assert.equal(word.suggestedFilename(), '广东省2016年两化融合评估诊断和对标引导工作报告.docx')
  // Printed by a background job, then downloaded.
  const [pdf] = await Promise.all([page.waitForEvent('download', { timeout: 90000 }), page.click('[data-test=report-pdf]')])
  assert.equal(pdf.suggestedFilename(), '广东省2016年两化融合评估诊断和对标引导工作报告.pdf')
  assert.equal(await page.locator('[data-test=report-error]').count(), 0)
  await page.close()
  const city = await loggedIn('guangzhou')
  await city.click('.el-menu-item:has-text("工作报告")')
  await city.click('[data-test=report-year]')
  await city.locator('.el-select-dropdown__item:visible', { hasText: '2016' }).click()
  const [own] = await Promise.all([city.waitForEvent('download'), city.click('[data-test=report-docx]')])
  assert.match(own.suggestedFilename(), /^广州市2016年.*\.docx$/)
  await city.close()
})

test('the province selects enterprises for policy support by stage and exports the list; a city has no such screen', async () => {
  const api = (query) => server.api('guangdong', 'GET', `/api/v1/rounds/gd-2016/selection${query}`)
  const page = await loggedIn('guangdong')
  await page.click('.el-menu-item:has-text("政策遴选")')
  const matched = page.locator('[data-test=matched]')
  await matched.filter({ hasText: `符合条件 ${(await api('')).matched} 家` }).waitFor()
  // 集成提升 and above: the server's own answer to the same question.
  const levels = (await server.api('guangdong', 'GET', '/api/v1/rounds/gd-2016/datamap?by=unit')).levels
  const integration = levels.find((l) => l.title === '集成提升')
  const expected = await api(`?min_level=${integration.id}`)
  await page.click('[data-test=min-level]')
  await page.locator('.el-select-dropdown__item:visible', { hasText: '集成提升' }).click()
  await matched.filter({ hasText: `符合条件 ${expected.matched} 家` }).waitFor()
  const stages = await page.locator('[data-test=selection-stage]').allInnerTexts()
  assert.equal(stages.length, Math.min(expected.matched, expected.items.length))
  for (const stage of stages) assert.match(stage, /^(集成提升|创新突破)$/)
  assert.equal(await page.locator('[data-test=selection-table] tbody tr').first().locator('a').innerText(), expected.items[0].name)
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-test=export-selection]')])
  assert.equal(download.suggestedFilename(), '遴选结果.csv')
  await page.close()
  const city = await loggedIn('guangzhou')
  assert.equal(await city.locator('.el-menu-item:has-text("政策遴选")').count(), 0)
  await city.goto(`${server.url}/selection`)
  await city.waitForURL((url) => url.pathname !== '/selection')
  await city.close()
})

test('政策联动: the province records a support measure, adds enterprises from the selection and by code, and compares them before and after; a city does not see it', async () => {
  const name = '2015年两化融合专项资金'
  const chosen = (await server.api('guangdong', 'GET', '/api/v1/rounds/gd-2015/selection')).items.slice(0, 4)
  assert.equal(chosen.length, 4)
  const page = await loggedIn('guangdong')
  await page.click('.el-menu-item:has-text("政策联动")')
  await page.click('[data-test=new-measure]')
  const dialog = page.locator('[data-test=measure-dialog]')
  await dialog.locator('input[data-test=measure-name]').fill(name)
  await dialog.locator('[data-test=measure-kind]').click()
  await page.locator('.el-select-dropdown__item:visible', { hasText: '专项资金' }).click()
  await dialog.locator('[data-test=measure-year] input, input[data-test=measure-year]').fill('2015')
  await dialog.locator('[data-test=measure-amount] input, input[data-test=measure-amount]').fill('500')
  await dialog.locator('[data-test=measure-save]').click()
  // A new measure opens at once.
  await page.waitForURL(/\/policy\?measure=\d+$/)
  const id = Number(new URL(page.url()).searchParams.get('measure'))
  const saved = await server.api('guangdong', 'GET', `/api/v1/support-measures/${id}`)
  assert.deepEqual([saved.name, saved.kind, saved.year, saved.amount_10k_yuan, saved.recipients.length], [name, 'fund', 2015, 500, 0])

  // Two from the 2015 round's selection, ticked and added to the measure.
  const gd2015 = (await server.api('guangdong', 'GET', '/api/v1/rounds')).items.find((r) => r.code === 'gd-2015')
  await page.click('.el-menu-item:has-text("政策遴选")')
  await page.locator('[data-test=selection-table]').waitFor()
  const listed = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/rounds/gd-2015/selection')
  await page.locator('[data-test=round]').first().click()
  await page.locator('.el-select-dropdown__item:visible', { hasText: gd2015.name }).click()
  await listed
  const rows = page.locator('[data-test=selection-table] .el-table__body-wrapper tr')
  for (const e of chosen.slice(0, 2)) await rows.filter({ hasText: e.uscc }).locator('.el-checkbox').click()
  await page.locator('[data-test=add-to-measure]', { hasText: '加入支持措施（2）' }).click()
  const adding = page.locator('[data-test=add-to-measure-dialog]')
  await adding.locator('[data-test=measure-choice]').click()
  await page.locator('.el-select-dropdown__item:visible', { hasText: name }).click()
  await adding.locator('[data-test=add-to-measure-go]').click()
  await page.locator('.el-message--success', { hasText: '已加入 2 家' }).waitFor()

  // The third by its code, on the measure's own page.
  await page.goto(`${server.url}/policy?measure=${id}`)
  await page.locator('input[data-test=recipient-uscc]').fill(chosen[2].uscc)
  await page.click('[data-test=add-recipient]')
  await page.locator('[data-test=recipients-table] tr', { hasText: chosen[2].uscc }).waitFor()
  // A list with a bad code is refused whole: nothing of it is added.
  await assert.rejects(server.api('guangdong', 'POST', `/api/v1/support-measures/${id}/recipients`,
    { items: [{ uscc: chosen[3].uscc }, { uscc: 'BAD' }] }), /422/)
  const recipients = (await server.api('guangdong', 'GET', `/api/v1/support-measures/${id}`)).recipients.map((r) => r.uscc).sort()
  assert.deepEqual(recipients, chosen.slice(0, 3).map((e) => e.uscc).sort())

  // Before and after: the screen shows the server's own figures.
  const effect = await server.api('guangdong', 'GET', `/api/v1/support-measures/${id}/effect`)
  assert.deepEqual([effect.before.round, effect.after.round], ['gd-2015', 'gd-2016'])
  await page.locator('.el-tabs__item', { hasText: '支持前后对比' }).click()
  const after = page.locator('[data-test=effect-after-total]')
  await after.waitFor()
  const total = effect.recipients.after.total
  const shown = total === null ? '—' : total.toLocaleString('zh-CN', { minimumFractionDigits: 1, maximumFractionDigits: 1 })
  assert.equal((await after.innerText()).trim(), shown)
  assert.match(await page.locator('[data-test=effect-before]').innerText(), new RegExp(effect.before.name))
  assert.match(await page.locator('[data-test=effect-counts]').innerText(),
    new RegExp(`3 家受支持企业中有 ${effect.recipients.with_both} 家两期均有评估结果`))
  const [file] = await Promise.all([page.waitForEvent('download'), page.click('[data-test=export-effect]')])
  assert.match(file.suggestedFilename(), /^支持前后对比.*\.xlsx$/)
  await page.close()

  // A city's officials have their own measures, not the province's.
  const city = await loggedIn('guangzhou')
  await city.click('.el-menu-item:has-text("政策联动")')
  await city.locator('[data-test=measures-table] :is(.el-table__empty-text, tbody tr)').first().waitFor()
  await city.locator('[data-test=measures-table] .el-loading-mask').waitFor({ state: 'hidden' })
  assert.doesNotMatch(await city.locator('[data-test=measures-table]').innerText(), new RegExp(name))
  assert.ok(!(await server.api('guangzhou', 'GET', '/api/v1/support-measures')).items.some((m) => m.id === id))
  await city.close()
})

test('a unit official imports enterprises and sees every invalid row, then imports the valid ones', async () => {
  const good = server.makeUscc(901)
  const csv = 'uscc,name,unit_code,industry_code,production_type,employees,revenue_10k_yuan\n' +
    `${good},导入测试电子有限公司,440100,39,discrete_mass,80,1500\n` +
    'BAD,坏行企业,440100,39,discrete_mass,80,1500\n'
  const page = await loggedIn('guangzhou')
  await page.goto(`${server.url}/enterprises`)
  await page.click('[data-test=import]')
  await page.setInputFiles('[data-test=import-file]', { name: 'enterprises.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) })
  await page.click('[data-test=import-go]')
  const errors = page.locator('[data-test=import-errors]')
  await errors.waitFor()
  assert.match(await errors.innerText(), /3\s+uscc\s+统一社会信用代码应为18位/)
  assert.match(await page.locator('[data-test=import-result]').innerText(), /未导入任何数据/)
  await page.click('.el-dialog .el-checkbox')
  await page.click('[data-test=import-go]')
  await page.locator('[data-test=import-result]', { hasText: '新增 1' }).waitFor()
  await server.api('guangzhou', 'GET', `/api/v1/enterprises/${good}`)
  await page.close()
})

test('a unit official sends the contacts form, corrected field by field; the province sees it', async () => {
  const page = await loggedIn('guangzhou')
  await page.goto(`${server.url}/contacts`)
  const person = { name: '王明', department_title: '信息化推进处 处长', phone: '020-83133000', fax: '020-83133001', email: 'wangming@example.cn' }
  for (const role of ['leader', 'liaison', 'platform_admin']) {
    for (const [field, value] of Object.entries(person)) await page.fill(`input[data-test=${role}-${field}]`, value)
    await page.fill(`input[data-test=${role}-mobile]`, role === 'liaison' ? '12345' : '13800138000')
  }
  await page.click('[data-test=contacts-submit]')
  await page.locator('[data-test=contacts-error]').waitFor()
  assert.match(await page.locator('.el-form-item__error').first().innerText(), /手机/)
  await page.fill('input[data-test=liaison-mobile]', '13900139000')
  await page.click('[data-test=contacts-submit]')
  await page.locator('[data-test=contacts-saved]').waitFor()
  // Corrected after the first save: the stored form comes back and saves again.
  await page.reload()
  await page.locator('input[data-test=leader-name]').waitFor()
  assert.equal(await page.inputValue('input[data-test=leader-name]'), '王明')
  await page.fill('input[data-test=leader-phone]', '020-83133999')
  await page.click('[data-test=contacts-submit]')
  await page.locator('[data-test=contacts-saved]').waitFor()
  assert.equal(await page.locator('[data-test=contacts-error]').count(), 0)
  await page.reload()
  await page.locator('input[data-test=leader-name]').waitFor()
  await page.waitForFunction(() => document.querySelector('input[data-test=leader-phone]')?.value === '020-83133999')
  const province = await loggedIn('guangdong')
  await province.goto(`${server.url}/contacts`)
  const missing = province.locator('[data-test=contacts-missing]')
  await missing.waitFor()
  assert.match(await missing.innerText(), /深圳市/)
  assert.doesNotMatch(await missing.innerText(), /广州市/)
  await province.close()
  await page.close()
})

test('an enterprise grants a service agency, which then sees and opens only that enterprise', async () => {
  const page = await loggedIn('enterprise')
  const uscc = await page.evaluate(async () => {
    const r = await fetch('/api/v1/session', { headers: { Authorization: `Bearer ${sessionStorage.getItem('rp_token')}` } })
    return (await r.json()).user.scope
  })
  await page.click('.el-menu-item:has-text("服务机构授权")')
  await page.fill('input[data-test=grant-agency]', 'agency')
  await page.click('[data-test=grant]')
  await page.locator('[data-test=grants-table]', { hasText: 'agency' }).waitFor()
  const agency = await loggedIn('agency')
  await agency.waitForURL('**/enterprises')
  await agency.locator(`[data-test=fill-${uscc}]`).waitFor()
  assert.equal(await agency.locator('[data-test=enterprise-table] tbody tr').count(), 1) // only what it was granted
  await agency.locator(`[data-test=fill-${uscc}]`).click()
  await agency.locator('[data-test^=q-]').first().waitFor()
  await page.click('[data-test=revoke-agency]')
  await page.waitForFunction(() => !document.querySelector('[data-test=grants-table]')?.textContent?.includes('agency'))
  await agency.goto(`${server.url}/enterprises`)
  await agency.locator('[data-test=enterprise-table]').waitFor()
  assert.equal(await agency.locator(`[data-test=fill-${uscc}]`).count(), 0)
  await agency.close()
  await page.close()
})

test("an industry association sees its industries' progress and data map, nothing more", async () => {
  const page = await loggedIn('association')
  await page.waitForURL('**/progress')
  const total = page.locator('[data-test=completed-440000]')
  await total.waitFor()
  const completed = Number((await total.innerText()).replace(/,/g, ''))
  const expected = (await server.api('association', 'GET', '/api/v1/rounds/gd-2016/progress')).total.completed
  assert.equal(completed, expected)
  assert.ok(completed < 1531) // not the whole province
  const items = await page.locator('.el-menu-item').allInnerTexts()
  assert.deepEqual(items.map((s) => s.trim()), ['评估进度', '数据地图'])
  await page.close()
})

test('a unit official corrects an enterprise record, the server naming the bad field', async () => {
  const uscc = (await server.api('guangzhou', 'GET', '/api/v1/enterprises?per_page=1')).items[0].uscc
  const page = await loggedIn('guangzhou')
  await page.goto(`${server.url}/enterprises/${uscc}`)
  await page.fill('input[data-test=edit-phone]', 'not a phone')
  await page.click('[data-test=edit-save]')
  await page.locator('.el-form-item__error').first().waitFor()
  await page.fill('input[data-test=edit-phone]', '020-83133000')
  await page.fill('input[data-test=edit-name]', '更名后的测试企业有限公司')
  // The coded fields from the server's lists: production type and industry.
  await page.click('[data-test=edit-production-type]')
  await page.locator('.el-select-dropdown:visible .el-select-dropdown__item', { hasText: '流程型' }).click()
  await page.click('[data-test=edit-industry]')
  await page.keyboard.type('26 ')
  await page.locator('.el-select-dropdown:visible .el-select-dropdown__item', { hasText: /^26 / }).click()
  await page.click('[data-test=edit-save]')
  await page.locator('[data-test=edit-saved]').waitFor()
  const record = await server.api('guangzhou', 'GET', `/api/v1/enterprises/${uscc}`)
  assert.equal(record.name, '更名后的测试企业有限公司')
  assert.equal(record.production_type, 'process')
  assert.equal(record.industry_code, '26')
  // The units offered are the official's own: 广州, not another city.
  await page.click('[data-test=edit-unit]')
  const units = page.locator('.el-select-dropdown:visible .el-select-dropdown__item')
  await units.first().waitFor()
  const offered = await units.allInnerTexts()
  assert.ok(offered.includes('广州市'), offered.join())
  assert.ok(!offered.some((u) => u.includes('深圳')), offered.join())
  await page.keyboard.press('Escape')
  // The breadcrumb names the record and leads back to the list.
  const crumbs = page.locator('[data-test=breadcrumb]')
  assert.match(await crumbs.innerText(), /企业\s*\/\s*\S+/)
  await crumbs.getByText('企业', { exact: true }).click()
  await page.waitForURL((url) => url.pathname === '/enterprises')
  await page.close()
})

test('the English switch turns the interface into English, and back', async () => {
  const page = await loggedIn('guangdong')
  await page.click('text=数据地图')
  await page.locator('[data-test=map] svg').waitFor()
  await page.getByRole('button', { name: 'English' }).click()
  await page.getByText('Data map', { exact: true }).first().waitFor()
  const chrome = await page.locator('.page .tools').first().innerText()
  // The controls and headings carry no Chinese; data (unit names) may.
  for (const text of ['Progress', 'Data map', 'Log out']) await page.getByText(text, { exact: true }).first().waitFor()
  assert.doesNotMatch(await page.locator('[data-test=datamap-table] thead').innerText(), /[\u4e00-\u9fff]/)
  assert.doesNotMatch(chrome.replace(/\s+/g, ''), /[\u4e00-\u9fff]/)
  await page.getByRole('button', { name: '中文' }).click()
  await page.getByText('数据地图', { exact: true }).first().waitFor()
  await page.close()
})

test('an official changes the password and logs in with the new one', async () => {
  const page = await loggedIn('shunde')
  await page.click('text=修改密码')
  const inputs = page.locator('.page input[type=password]')
  await inputs.nth(0).fill('Rongping2016')
  await inputs.nth(1).fill('Shunde-2026-new')
  await page.click('.page button[type=submit]')
  await page.getByText('已保存').waitFor()
  await page.close()
  await server.api(null, 'POST', '/api/v1/session', { username: 'shunde', password: 'Shunde-2026-new' })
})

test('an enterprise name containing <script> is shown as text', async () => {
  const name = '<script>window.__xss=1</script>测试有限公司'
  await server.api('guangzhou', 'POST', '/api/v1/enterprises', {
    uscc: server.makeUscc(777), name, unit_code: '440100', industry_code: '39', production_type: 'discrete_mass',
    employees: 50, revenue_10k_yuan: 3000,
  })
  const page = await loggedIn('guangzhou')
  await page.click('.el-menu-item:has-text("企业")')
  await page.fill('input[data-test=search]', '测试有限公司')
  await page.keyboard.press('Enter')
  await page.locator('[data-test=enterprise-table]', { hasText: '<script>' }).waitFor()
  assert.equal(await page.evaluate(() => window.__xss), undefined)
  await page.close()
})

test('an expired session goes back to the login page with a message', async () => {
  const page = await loggedIn('foshan')
  const token = await page.evaluate(() => sessionStorage.getItem('rp_token'))
  await server.api(null, 'DELETE', '/api/v1/session', undefined, token) // the session ends elsewhere
  await page.click('.el-menu-item:has-text("企业")')
  await page.waitForURL('**/login**')
  await page.getByText('登录已过期').waitFor()
  await page.close()
})

test('a page opened in a new tab keeps the session and can write; a cut-short session check logs nobody out', async () => {
  const context = await browser.newContext({ locale: 'zh-CN' })
  const page = await loggedIn('enterprise', context)
  await page.waitForURL('**/result')
  // Another tab of the same browser: nothing in its sessionStorage, only the cookie.
  const tab = await context.newPage()
  await tab.goto(`${server.url}/result`)
  await tab.locator('[data-test=stage]').waitFor()
  assert.equal(await tab.evaluate(() => sessionStorage.getItem('rp_token')), null)
  // It writes too: the cookie session's CSRF token goes with the request.
  await tab.click('text=企业信息')
  await tab.fill('input[data-test=edit-phone]', '020-87650000')
  await tab.click('[data-test=edit-save]')
  await tab.locator('[data-test=edit-saved]').waitFor()
  const uscc = tab.url().split('/').pop()
  assert.equal((await server.api('enterprise', 'GET', `/api/v1/enterprises/${uscc}`)).contact_phone, '020-87650000')
  // The session check of a reload fails on the network: the login page,
  // but the session is kept, and the next visit goes straight in.
  await page.route('**/api/v1/session', (route) => route.abort('failed'), { times: 1 })
  await page.reload()
  await page.waitForURL('**/login**')
  await page.goto(`${server.url}/result`)
  await page.locator('[data-test=stage]').waitFor()
  assert.ok(await page.evaluate(() => sessionStorage.getItem('rp_token')))
  // Logging out in one tab ends the session in the other.
  await page.click('[data-test=logout]')
  await page.waitForURL('**/login**')
  await tab.reload()
  await tab.waitForURL('**/login**')
  await context.close()
})

test('the review queue: every submission reachable by page, found by name, read in full, approved one by one or together', async () => {
  const api = (path) => server.api('guangdong', 'GET', `/api/v1/rounds/gd-2016/assessments${path}`)
  const waiting = (await api('?status=submitted&per_page=1')).total
  assert.ok(waiting > 50, `the scenario has ${waiting} submissions waiting`)
  const page = await loggedIn('guangdong')
  await page.goto(`${server.url}/review`)
  const pager = page.locator('[data-test=review-pager]')
  await pager.locator('.el-pagination__total', { hasText: `共 ${waiting} 条` }).waitFor()

  // The 51st submission is on page 2, as the server orders them.
  const fifty_first = (await api('?status=submitted&per_page=50&page=2')).items[0]
  await pager.locator('.btn-next').click()
  await page.locator(`[data-test=view-${fifty_first.uscc}]`).waitFor()

  // Found by part of its name.
  await page.fill('input[data-test=filter-q], [data-test=filter-q] input', fifty_first.enterprise_name.slice(0, 6))
  await page.click('[data-test=filter-search]')
  await pager.locator('.el-pagination__total').filter({ hasNotText: `共 ${waiting} 条` }).waitFor()
  for (const name of await page.locator('[data-test=review-table] tbody [data-test^=view-]').allInnerTexts()) {
    assert.ok(name.includes(fifty_first.enterprise_name.slice(0, 6)), name)
  }

  // Read in full before deciding: the answers in words, then approved after a question.
  await page.click(`[data-test=view-${fifty_first.uscc}]`)
  const drawer = page.locator('[data-test=assessment-drawer]')
  await drawer.locator('[data-test^=answer-]').first().waitFor()
  assert.ok(await drawer.locator('[data-test^=answer-]').count() > 10)
  await drawer.locator('[data-test=drawer-approve]').click()
  await page.locator('.el-message-box', { hasText: fifty_first.enterprise_name }).waitFor()
  await page.click('.el-message-box__btns .el-button--primary')
  await page.locator('.el-message', { hasText: '已通过' }).waitFor()
  assert.equal((await server.api('guangdong', 'GET',
    `/api/v1/rounds/gd-2016/enterprises/${fifty_first.uscc}/assessment`)).status, 'approved')

  // Two at once.
  await page.fill('input[data-test=filter-q], [data-test=filter-q] input', '')
  await page.click('[data-test=filter-search]')
  await pager.locator('.el-pagination__total', { hasText: `共 ${waiting - 1} 条` }).waitFor()
  const boxes = page.locator('[data-test=review-table] .el-table__body .el-checkbox')
  await boxes.nth(0).click()
  await boxes.nth(1).click()
  await page.click('[data-test=approve-selected]')
  await page.locator('.el-message-box', { hasText: '2 份' }).waitFor()
  await page.click('.el-message-box__btns .el-button--primary')
  await page.locator('.el-message', { hasText: '已通过 2 份' }).waitFor()
  await pager.locator('.el-pagination__total', { hasText: `共 ${waiting - 3} 条` }).waitFor()
  assert.equal((await api('?status=submitted&per_page=1')).total, waiting - 3)

  // From the progress table, a unit's count leads to its assessments.
  await page.goto(`${server.url}/progress`)
  await page.click('[data-test=participating-440100]')
  await page.waitForURL((url) => url.pathname === '/review' && url.searchParams.get('unit') === '440100')
  const all440100 = (await api('?unit=440100&per_page=1')).total
  await pager.locator('.el-pagination__total', { hasText: `共 ${all440100} 条` }).waitFor()
  await page.close()
})

test('an approved assessment of a closed round is read only and says so', async () => {
  // The demo's enterprise: its 2016 answers were approved and the round closed long ago.
  const page = await loggedIn('enterprise')
  await page.goto(`${server.url}/assessment`)
  await expectStatus(page, '已通过', '已通过审核')
  const first = page.locator('[data-test^=q-]').first()
  await first.waitFor()
  assert.equal(await first.locator('input').first().isDisabled(), true)
  assert.equal(await page.locator('[data-test=submit]').isDisabled(), true)
  await page.close()
})

test('a new enterprise fills in its questionnaire section by section, submits and sees its stage', async () => {
  // A round open today (gd-2016 closed long ago); from here on it is the newest.
  const today = new Date().toISOString().slice(0, 10)
  const year = Number(today.slice(0, 4))
  await server.api('guangdong', 'PUT', '/api/v1/rounds/gd-now', {
    name: `${year}年广东省两化融合评估`, year, province_code: '440000', models: ['gbt23020-2013'],
    opens_on: `${year}-01-01`, closes_on: `${year}-12-31`, deadline: `${year}-12-31`, review_required: true,
  })
  await newEnterprise('newco', 888, '新填报智能装备有限公司', { industry_code: '34', employees: 120, revenue_10k_yuan: 5000 })
  const page = await loggedIn('newco')
  await page.goto(`${server.url}/assessment`)
  const sections = page.locator('[data-test^=section-]')
  await sections.first().waitFor()
  // Submitting too early (after confirming) lists what is missing.
  await submitConfirmed(page)
  await page.locator('[data-test=error]', { hasText: '必答题' }).waitFor()
  const count = await sections.count()
  let systemsSection = -1
  for (let i = 0; i < count; i++) {
    await page.click(`[data-test=section-${i}]`)
    if (await page.locator('[data-test=q-systems_in_use]').count()) systemsSection = i
    for (const card of await page.locator('[data-test^=q-]').all()) {
      const type = await card.getAttribute('data-type')
      // The most developed answers, every system and tool in use: answers
      // that hold together.
      if (type === 'single') await card.locator('.el-radio').last().click()
      else if (type === 'yesno') await card.locator('.el-radio').first().click()
      else if (type === 'multiple') {
        const boxes = await card.locator('.el-checkbox').all()
        for (const box of boxes.slice(0, -1)) await box.click()  // the last is "none of these"
      } else if (type === 'number' || type === 'percent') {
        const input = card.locator('input')
        await input.fill(String(Math.max(10, Number((await card.getAttribute('data-min')) ?? 0))))
        await input.blur()
      } else await card.locator('input, textarea').first().fill('无')
    }
  }
  // Taking MES off the systems in use contradicts the MES coverage answered:
  // the questionnaire says so next to that question, and submission is refused.
  await page.click(`[data-test=section-${systemsSection}]`)
  const mes = page.locator('[data-test=q-systems_in_use] .el-checkbox', { hasText: 'MES' })
  await mes.click()
  await submitConfirmed(page)
  await page.locator('[data-test=error]', { hasText: '前后矛盾' }).waitFor()
  await page.locator('[data-test^=issue-mes]').first().waitFor()
  await mes.click()
  await page.locator('[data-test^=issue-mes]').first().waitFor({ state: 'detached' })
  await submitConfirmed(page)
  await page.waitForURL('**/result')
  assert.match(await page.locator('[data-test=stage]').innerText(), /发展阶段：/)
  await expectStatus(page, '已提交待审核', '等待主管部门审核')
  await page.close()
})

// A new enterprise (of 广州市 unless `fields` say otherwise) with an
// enterprise account `username`; its USCC.
async function newEnterprise(username, n, name, fields = {}) {
  const uscc = server.makeUscc(n)
  await server.api('guangdong', 'POST', '/api/v1/enterprises', {
    uscc, name, unit_code: '440100', industry_code: '39', production_type: 'discrete_mass', employees: 80, revenue_10k_yuan: 2000,
    ...fields,
  })
  server.addUser(username, 'enterprise', uscc)
  return uscc
}

// The submit button asks first; the dialog's 确定 goes on.
async function submitConfirmed(page) {
  await page.click('[data-test=submit]')
  await page.locator('.el-message-box', { hasText: '确定提交吗' }).waitFor()
  await page.click('.el-message-box__btns .el-button--primary')
}

// The status line the enterprise reads on its pages: the tag, and the next step.
async function expectStatus(page, label, nextStep) {
  const status = page.locator('[data-test=assessment-status]')
  await status.locator('[data-test=status-tag]', { hasText: label }).waitFor()
  assert.match(await status.locator('[data-test=next-step]').innerText(), new RegExp(nextStep))
}

test('a returned assessment: the enterprise reads why, corrects it and submits again until it is approved', async () => {
  // The enterprise of the test before, whose answers await review in gd-now.
  const uscc = server.makeUscc(888)
  const review = (decision, reason) => server.api('guangzhou', 'POST',
    `/api/v1/rounds/gd-now/enterprises/${uscc}/assessment/review`, { decision, ...(reason ? { reason } : {}) })
  const page = await loggedIn('newco')
  await page.goto(`${server.url}/result`)
  await expectStatus(page, '已提交待审核', '审核前如需修改，可先撤回')

  // Withdrawn before review (after confirming): a draft again, editable.
  await page.click('[data-test=withdraw]')
  await page.locator('.el-message-box', { hasText: '确定撤回吗' }).waitFor()
  await page.click('.el-message-box__btns .el-button--primary')
  await page.waitForURL('**/assessment')
  await expectStatus(page, '草稿', '答卷尚未提交')
  assert.equal(await page.locator('[data-test=submit]').isDisabled(), false)
  await submitConfirmed(page)
  await page.waitForURL('**/result')

  // Sent back with a reason: the result page says so and why, and the
  // questionnaire opens for changes again.
  const reason = '主营业务收入与财务报表不一致，请核对后重新提交'
  await review('reject', reason)
  await page.reload()
  await expectStatus(page, '已退回', reason)
  assert.equal(await page.locator('[data-test=withdraw]').count(), 0)
  await page.goto(`${server.url}/assessment`)
  await expectStatus(page, '已退回', '请按退回原因修改答卷后重新提交')
  const first = page.locator('[data-test^=q-]').first()
  await first.waitFor()
  assert.equal(await first.locator('input').first().isDisabled(), false, 'a returned assessment can be changed')
  await submitConfirmed(page)
  await page.waitForURL('**/result')
  await expectStatus(page, '已提交待审核', '等待主管部门审核')

  // Approved: final, nothing left to do.
  await review('approve')
  await page.reload()
  await expectStatus(page, '已通过', '已通过审核')
  await page.goto(`${server.url}/assessment`)
  await expectStatus(page, '已通过', '已通过审核')
  assert.equal(await page.locator('[data-test=submit]').isDisabled(), true)
  await page.close()
})


// What overflows a phone's width on the page: the widest elements sticking
// out on the right, named for the failure message.
async function overflowAt(page) {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth
    if (document.documentElement.scrollWidth <= width + 1) return []
    return [...document.querySelectorAll('body *')]
      .filter((el) => el.getBoundingClientRect().right > width + 1 && !el.closest('.el-table__body-wrapper, .el-table__header-wrapper, .el-scrollbar__wrap'))
      .slice(0, 5)
      .map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')} right=${Math.round(el.getBoundingClientRect().right)}`)
  })
}

test('every page fits the screen on a phone (390 × 844) and at a desk (1440 × 900); on the phone the menu, round and logout are in the drawer', async () => {
  const pages = {
    enterprise: ['/result', '/assessment', '/grants', '/password', '/enterprises/'],
    guangzhou: ['/progress', '/review', '/outstanding', '/enterprises', '/datamap', '/contacts', '/policy', '/accounts', '/accounts?tab=registrations'],
    guangdong: ['/progress', '/review', '/datamap', '/circulars', '/contacts', '/selection', '/policy', '/reports', '/rounds'],
  }
  const problems = []
  for (const viewport of [{ width: 390, height: 844 }, { width: 1440, height: 900 }]) {
    const phone = viewport.width < 768
    const login = await browser.newPage({ locale: 'zh-CN', viewport })
    await login.goto(`${server.url}/login`)
    await login.locator('input[name=username]').waitFor()
    for (const o of await overflowAt(login)) problems.push(`${viewport.width} /login: ${o}`)
    await login.close()
    for (const [username, paths] of Object.entries(pages)) {
      const context = await browser.newContext({ locale: 'zh-CN', viewport })
      const page = await loggedIn(username, context)
      for (const path of paths) {
        const scope = await page.evaluate(() => fetch('/api/v1/session').then((r) => r.json()).then((j) => j.user.scope))
        const target = path === '/enterprises/' ? `/enterprises/${scope}` : path
        await page.goto(`${server.url}${target}`)
        await page.waitForLoadState('networkidle')
        await page.waitForTimeout(200)
        for (const o of await overflowAt(page)) problems.push(`${viewport.width} ${username} ${path}: ${o}`)
        if (phone && path === '/review') {  // the decisions are in view without scrolling the table
          const box = await page.locator('[data-test^=approve-]').first().boundingBox()
          if (!box || box.x < 0 || box.x + box.width > 390) problems.push(`${username} /review: 通过 at ${JSON.stringify(box)}`)
        }
      }
      if (!phone) {
        await context.close()
        continue
      }
      // The menu opens from its button and holds the pages, the round and logout.
      await page.click('[data-test=menu-toggle]')
      const logout = page.locator('[data-test=logout]')
      await logout.waitFor()
      await page.waitForFunction(() => {  // the drawer has slid in
        const box = document.querySelector('[data-test=logout]')?.getBoundingClientRect()
        return box && box.left >= 0 && box.right <= 390 && box.bottom <= 844
      })
      await page.locator('[data-test=round]').first().waitFor()
      await logout.click()
      await page.waitForURL('**/login**')
      await context.close()
    }
  }
  assert.deepEqual(problems, [])
})

test('the province sets up a round on its screen, is told which date is wrong, and sets a city\'s target', async () => {
  const page = await loggedIn('guangdong')
  await page.click('.el-menu-item:has-text("评估周期")')
  await page.locator('[data-test=rounds-table]', { hasText: 'gd-2016' }).waitFor()
  await page.click('[data-test=new-round]')
  const dialog = page.locator('.el-dialog:visible')
  await dialog.locator('input[data-test=round-code]').fill('gd-ui')
  await dialog.locator('input[data-test=round-name]').fill('界面设置的评估周期')
  await dialog.locator('[data-test=round-models]').click()
  await page.locator('.el-select-dropdown__item:visible', { hasText: '工业企业两化融合发展水平评估' }).click()
  await page.keyboard.press('Escape')
  await dialog.locator('[data-test=save-round]').click()
  await page.locator('[data-test=rounds-table]', { hasText: '界面设置的评估周期' }).waitFor()
  const saved = await server.api('guangdong', 'GET', '/api/v1/rounds/gd-ui')
  assert.equal(saved.name, '界面设置的评估周期')
  assert.deepEqual(saved.models, ['gbt23020-2013'])
  assert.equal(saved.province_code, '440000')
  // A closing date before the opening: the server's reason under that field, nothing saved.
  await page.click('[data-test=edit-gd-ui]')
  const closes = dialog.locator('[data-test=field-closes_on] input')
  await closes.fill(`${saved.year - 1}-01-01`)
  await closes.press('Enter')
  await dialog.locator('[data-test=save-round]').click()
  await dialog.locator('.el-form-item__error', { hasText: '截止日期不能早于开始日期' }).waitFor()
  assert.equal((await server.api('guangdong', 'GET', '/api/v1/rounds/gd-ui')).closes_on, saved.closes_on)
  await dialog.getByText('取消').click()
  // 广州市's target: what 附件2 of the round then shows.
  await page.click('[data-test=targets-gd-ui]')
  await page.locator('[data-test=target-440100] input, input[data-test=target-440100]').fill('321')
  await page.click('[data-test=set-target-440100]')
  await page.locator('[data-test=targets-table] tr', { hasText: '321' }).waitFor()
  const progress = await server.api('guangdong', 'GET', '/api/v1/rounds/gd-ui/progress')
  assert.equal(progress.rows.find((r) => r.unit_code === '440100').target, 321)
  await page.close()
})

// Presses Tab (Shift+Tab when `back`) until the focus is inside `selector`.
async function tabTo(page, selector, back = false) {
  for (let i = 0; i < 120; i++) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab')
    if (await page.evaluate((sel) => document.activeElement?.closest(sel) != null, selector)) return
  }
  throw new Error(`the Tab key never reaches ${selector}`)
}

test('an enterprise completes and submits its questionnaire with the keyboard alone', async () => {
  // A new enterprise like the demo's, in this year's open round (made by the
  // test of the questionnaire above), whose draft lacks one answer.
  const source = (await server.api('enterprise', 'GET', '/api/v1/session')).user.scope
  const record = await server.api('guangdong', 'GET', `/api/v1/enterprises/${source}`)
  const answers = (await server.api('guangdong', 'GET', `/api/v1/rounds/gd-2016/enterprises/${source}/assessment`)).answers
  const uscc = await newEnterprise('kbco', 889, '键盘填报机械有限公司', {
    unit_code: record.unit_code, industry_code: record.industry_code, production_type: record.production_type,
    employees: record.employees, revenue_10k_yuan: record.revenue_10k_yuan,
  })
  const planning = answers.it_planning
  delete answers.it_planning
  await server.api('kbco', 'PUT', `/api/v1/rounds/gd-now/enterprises/${uscc}/assessment`, { answers, version: 0 })

  const page = await loggedIn('kbco')
  await page.goto(`${server.url}/assessment`)
  await page.locator('[data-test=q-it_planning]').waitFor()
  // The sections are stops of the Tab key, opened with Enter.
  await tabTo(page, '[data-test=section-1]')
  await page.keyboard.press('Enter')
  await page.locator('[data-test=section-1].is-active').waitFor()
  await tabTo(page, '[data-test=section-0]', true)
  await page.keyboard.press('Enter')
  await page.locator('[data-test=q-it_planning]').waitFor()
  // The radio group is entered with Tab, chosen with Space and the arrows.
  const options = await page.locator('[data-test=q-it_planning] input[type=radio]').evaluateAll((inputs) => inputs.map((i) => i.value))
  await tabTo(page, '[data-test=q-it_planning]')
  await page.keyboard.press('Space')
  for (let i = 0; i < options.indexOf(planning); i++) await page.keyboard.press('ArrowDown')
  await page.waitForFunction((want) => document.querySelector(`[data-test=q-it_planning] input[value="${want}"]`)?.checked, planning)
  // 提交 by Tab and Enter, confirmed with Enter.
  await tabTo(page, '[data-test=submit]')
  await page.keyboard.press('Enter')
  await page.locator('.el-message-box').waitFor()
  await page.keyboard.press('Enter')
  await page.waitForURL('**/result')
  await expectStatus(page, '已提交待审核', '等待主管部门审核')
  await page.close()
})

test('a round asking a pledge of authenticity: refused without it, ticked in its dialog before submitting, shown to the reviewer', async () => {
  const round = await server.api('guangdong', 'GET', '/api/v1/rounds/gd-now')
  const settings = (pledge) => ({
    name: round.name, year: round.year, province_code: round.province_code, models: round.models, opens_on: round.opens_on,
    closes_on: round.closes_on, deadline: round.deadline, review_required: round.review_required, pledge,
  })
  const pledge = '本企业承诺：所填报的信息和数据真实、准确、完整。\n如有虚假，愿承担相应责任。'
  await server.api('guangdong', 'PUT', '/api/v1/rounds/gd-now', settings(pledge))
  try {
    const source = (await server.api('enterprise', 'GET', '/api/v1/session')).user.scope
    const record = await server.api('guangdong', 'GET', `/api/v1/enterprises/${source}`)
    const answers = (await server.api('guangdong', 'GET', `/api/v1/rounds/gd-2016/enterprises/${source}/assessment`)).answers
    const uscc = await newEnterprise('pledgeco', 891, '承诺测试精密机械有限公司', {
      unit_code: '440100', industry_code: record.industry_code, production_type: record.production_type,
      employees: record.employees, revenue_10k_yuan: record.revenue_10k_yuan,
    })
    const path = `/api/v1/rounds/gd-now/enterprises/${uscc}/assessment`
    await server.api('pledgeco', 'PUT', path, { answers, version: 0 })
    // Not without it.
    await assert.rejects(server.api('pledgeco', 'POST', `${path}/submit`), /422 .*pledge_required/)

    const page = await loggedIn('pledgeco')
    await page.goto(`${server.url}/assessment`)
    await page.locator('[data-test=q-it_planning]').waitFor()
    await page.click('[data-test=submit]')
    const dialog = page.locator('[data-test=pledge-dialog]')
    assert.equal(await dialog.locator('[data-test=pledge-text]').innerText(), pledge)
    assert.ok(await dialog.locator('[data-test=pledge-submit]').isDisabled(), 'submitting waits for the tick')
    await dialog.locator('[data-test=pledge-agree]').click()
    await dialog.locator('[data-test=pledge-submit]').click()
    await page.waitForURL('**/result')
    await expectStatus(page, '已提交待审核', '等待主管部门审核')
    await page.close()
    const kept = (await server.api('guangzhou', 'GET', path)).pledge
    assert.deepEqual([kept.text, kept.username], [pledge, 'pledgeco'])

    // The reviewer reads who confirmed it, and when.
    const reviewer = await loggedIn('guangzhou')
    await reviewer.goto(`${server.url}/review`)
    await reviewer.click(`[data-test=view-${uscc}]`)
    assert.match(await reviewer.locator('[data-test=drawer-pledge]').innerText(), /真实性承诺：已由 pledgeco 于 \d{4}-\d{2}-\d{2} \d{2}:\d{2} 确认/)
    await reviewer.close()
  } finally {
    await server.api('guangdong', 'PUT', '/api/v1/rounds/gd-now', settings(''))
  }
})

test('督办 reminders: a city reminds the enterprises it ticks, not twice in a day, schedules one and cancels it; the enterprise finds the notice', async () => {
  const page = await loggedIn('guangzhou')
  await page.goto(`${server.url}/outstanding`)  // gd-now, the newest round
  const rows = page.locator('[data-test=outstanding-table] .el-table__body-wrapper tr')
  await rows.first().waitFor()
  const usccOf = async (i) => (await rows.nth(i).locator('[data-test^=state-]').getAttribute('data-test')).slice('state-'.length)
  const picked = [await usccOf(0), await usccOf(1)]
  const tick = async () => {
    for (const i of [0, 1]) await rows.nth(i).locator('.el-checkbox').click()
    await page.locator('[data-test=remind]', { hasText: '提醒选中的 2 家' }).click()
  }
  const dialog = page.locator('[data-test=remind-dialog]')
  await tick()
  assert.match(await dialog.locator('[data-test=remind-who]').innerText(), /将向选中的 2 家企业发送站内通知/)
  await dialog.locator('.el-alert', { hasText: '平台未配置邮件服务器' }).waitFor()  // this server has none
  await dialog.locator('textarea[data-test=remind-message], [data-test=remind-message] textarea').fill('请于本周内完成填报。')
  await dialog.locator('[data-test=remind-send]').click()
  await page.locator('.el-message--success', { hasText: '已提醒 2 家；0 家 24 小时内已提醒过' }).waitFor()
  const history = page.locator('[data-test=reminder-history]')
  await history.locator('tr', { hasText: '已发送' }).first().waitFor()
  await page.locator(`[data-test=reminded-${picked[0]}]`, { hasText: /\d{4}-\d{2}-\d{2} \d{2}:\d{2}/ }).waitFor()

  // The same two again: nobody is reminded twice within the day.
  await page.reload()
  await rows.first().waitFor()
  await tick()
  await dialog.locator('[data-test=remind-send]').click()
  await page.locator('.el-message--success', { hasText: '已提醒 0 家；2 家 24 小时内已提醒过' }).waitFor()

  // One scheduled for later, then cancelled.
  await page.reload()
  await rows.first().waitFor()
  await tick()
  await dialog.locator('[data-test=remind-schedule]').click()
  const later = new Date(Date.now() + 10 * 60_000)
  const pad = (n) => String(n).padStart(2, '0')
  const local = `${later.getFullYear()}-${pad(later.getMonth() + 1)}-${pad(later.getDate())} ${pad(later.getHours())}:${pad(later.getMinutes())}:00`
  const at = dialog.locator('input[placeholder=发送时间]')
  await at.fill(local)
  await at.press('Enter')
  await dialog.locator('[data-test=remind-send]', { hasText: '定时发送' }).click()
  await page.locator('.el-message--success', { hasText: '已安排在' }).waitFor()
  const batches = await server.api('guangzhou', 'GET', '/api/v1/rounds/gd-now/reminders')
  const scheduled = batches.items.find((b) => b.state === 'scheduled')
  assert.ok(scheduled, 'a scheduled batch is listed')
  assert.ok(Math.abs(Date.parse(scheduled.due_at) - later.getTime()) < 60_000, `at the time picked: ${scheduled.due_at}`)
  await history.locator(`[data-test=batch-state-${scheduled.id}]`, { hasText: '定时待发' }).waitFor()
  await history.locator(`[data-test=cancel-${scheduled.id}]`).click()
  await page.click('.el-message-box__btns .el-button--primary')
  await history.locator(`[data-test=batch-state-${scheduled.id}]`, { hasText: '已撤销' }).waitFor()
  await page.close()

  // The first enterprise, on its next visit: one unread notice, with the city's words.
  server.addUser('reminded', 'enterprise', picked[0])
  const enterprise = await loggedIn('reminded')
  const bell = enterprise.locator('[data-test=notices]')
  // The bell is drawn before its count arrives: wait for the count.
  await enterprise.locator('[data-test=notices][aria-label*="1 条未读"]').waitFor()
  const marked = enterprise.waitForResponse((r) => /^\/api\/v1\/notices\/\d+\/read$/.test(new URL(r.url()).pathname))
  await bell.click()
  const notice = enterprise.locator('[data-test=notices-drawer] article').first()
  assert.match(await notice.innerText(), /【督办提醒】[\s\S]*尚未开始填报评估问卷[\s\S]*请于本周内完成填报。[\s\S]*广州市/)
  await marked  // opening the drawer marked it read
  const listed = enterprise.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/notices' && r.request().method() === 'GET')
  await enterprise.reload()
  assert.equal((await (await listed).json()).unread, 0, 'read once opened')
  await bell.waitFor()
  assert.doesNotMatch(await bell.getAttribute('aria-label'), /未读/, 'read once opened')
  await enterprise.close()
})

test('accounts: the province issues a city account, whose first login must change the password; a city cannot grant beyond its own', async () => {
  const page = await loggedIn('guangdong')
  await page.goto(`${server.url}/accounts`)
  await page.locator('[data-test=accounts-table]').waitFor()
  await page.click('[data-test=new-account]')
  const dialog = page.locator('[data-test=account-dialog]')
  await dialog.locator('[data-test=account-role]').click()
  await page.locator('.el-select-dropdown__item:visible', { hasText: '地市主管部门' }).click()
  await dialog.locator('[data-test=account-scope]').click()
  await page.locator('.el-select-dropdown__item:visible', { hasText: '广州市（440100）' }).click()
  await dialog.locator('input[data-test=account-username], [data-test=account-username] input').fill('e2e-gz-officer')
  await dialog.locator('input[data-test=account-name], [data-test=account-name] input').fill('广州市工信局信息化科')
  await dialog.locator('[data-test=account-create]').click()
  const slip = page.locator('[data-test=issued-dialog]')
  const password = (await slip.locator('[data-test=issued-password]').innerText()).trim()
  assert.match(password, /^[A-Za-z2-9]{12}$/)
  await slip.locator('.el-button--primary').click()
  await page.locator('[data-test=account-state-e2e-gz-officer]', { hasText: '待修改密码' }).waitFor()

  // The first login: only the password page, until it is changed.
  const officer = await browser.newPage({ locale: 'zh-CN' })
  await officer.goto(`${server.url}/login`)
  await officer.fill('input[name=username]', 'e2e-gz-officer')
  await officer.fill('input[name=password]', password)
  await officer.click('button[type=submit]')
  await officer.waitForURL('**/password')
  await officer.locator('[data-test=must-change]').waitFor()
  await officer.goto(`${server.url}/progress`)
  await officer.waitForURL('**/password')
  await officer.fill('input[name=current-password]', password)
  await officer.fill('input[name=new-password]', 'Guangzhou2026')
  await officer.click('button[type=submit]')
  await officer.waitForURL((url) => url.pathname === '/progress')
  await officer.locator('.el-menu-item', { hasText: '督办' }).first().waitFor()
  await officer.close()
  await page.reload()
  await page.locator('[data-test=account-state-e2e-gz-officer]', { hasText: '正常' }).waitFor()

  // A city admin asking for a 深圳 enterprise's account is told it is beyond its scope; nothing is made.
  const sz = (await server.api('guangdong', 'GET', '/api/v1/enterprises?unit=440300&per_page=1')).items[0].uscc
  const city = await loggedIn('guangzhou')
  await city.goto(`${server.url}/accounts`)
  await city.click('[data-test=new-account]')
  const cityDialog = city.locator('[data-test=account-dialog]')
  await cityDialog.locator('input[data-test=account-uscc], [data-test=account-uscc] input').fill(sz)
  await cityDialog.locator('input[data-test=account-username], [data-test=account-username] input').fill('e2e-sz-enterprise')
  await cityDialog.locator('[data-test=account-create]').click()
  await cityDialog.locator('[data-test=account-error]', { hasText: '超出您的管辖范围' }).waitFor()
  const found = await server.api('guangdong', 'GET', '/api/v1/users?q=e2e-sz-enterprise')
  assert.equal(found.total, 0)
  await city.close()
  await page.close()
})

test('an enterprise registers itself, its city approves, and the first login changes the issued password', async () => {
  const uscc = server.makeUscc(977)
  const visitor = await browser.newPage({ locale: 'zh-CN' })
  await visitor.goto(`${server.url}/login`)
  await visitor.click('[data-test=register-link]')
  await visitor.waitForURL('**/register')
  const fill = (name, value) => visitor.fill(`input[name=${name}]`, value)
  await fill('name', '自助注册智能制造有限公司')
  await fill('uscc', uscc)
  await fill('employees', '260')
  await fill('revenue_10k_yuan', '18000')
  await fill('contact_name', '林工')
  await fill('contact_email', 'lin@self-registered.example.cn')
  await fill('username', 'self-registered')
  // Typed into each select, its first match taken: the lists are long.
  const choose = async (select, typed) => {
    await visitor.click(`[data-test=${select}]`)
    await visitor.keyboard.type(typed)
    await visitor.locator('.el-select-dropdown__item:visible', { hasText: typed }).first().click()
    await visitor.locator('.el-select-dropdown:visible').waitFor({ state: 'hidden' })
  }
  await choose('register-unit', '440100')
  await choose('register-industry', '34 ')
  await visitor.click('[data-test=register-type]')
  await visitor.locator('.el-select-dropdown__item:visible', { hasText: '离散大批量' }).click()
  await visitor.click('[data-test=register-submit]')
  await visitor.locator('[data-test=register-done]', { hasText: '注册申请已提交' }).waitFor()
  await visitor.close()

  const city = await loggedIn('guangzhou')
  await city.goto(`${server.url}/accounts?tab=registrations`)
  const row = city.locator('[data-test=registrations-table] tr', { hasText: '自助注册智能制造有限公司' })
  await row.waitFor()
  await row.locator('[data-test^=approve-registration-]').click()
  await city.locator('.el-message-box__btns .el-button--primary').click()
  const slip = city.locator('[data-test=issued-dialog]')
  await slip.locator('[data-test=issued-username]', { hasText: 'self-registered' }).waitFor()
  const password = (await slip.locator('[data-test=issued-password]').innerText()).trim()
  await city.close()

  const enterprise = await browser.newPage({ locale: 'zh-CN' })
  await enterprise.goto(`${server.url}/login`)
  await enterprise.fill('input[name=username]', 'self-registered')
  await enterprise.fill('input[name=password]', password)
  await enterprise.click('button[type=submit]')
  await enterprise.waitForURL('**/password')
  await enterprise.fill('input[name=current-password]', password)
  await enterprise.fill('input[name=new-password]', 'SelfMade2026')
  await enterprise.click('button[type=submit]')
  await enterprise.waitForURL((url) => url.pathname === '/result')
  assert.equal((await server.api('guangzhou', 'GET', `/api/v1/enterprises/${uscc}`)).name, '自助注册智能制造有限公司')
  await enterprise.close()
})

test('150 typed into a 0–100 field stays as typed and the question says why, until corrected', async () => {
  const uscc = await newEnterprise('rangeco', 890, '范围校验电子有限公司')
  const page = await loggedIn('rangeco')
  await page.goto(`${server.url}/assessment`)
  await page.locator('[data-test^=section-]').first().waitFor()
  let card = null
  for (let i = 0; !card; i++) {
    await page.click(`[data-test=section-${i}]`)
    const found = page.locator('[data-test^=q-][data-type=percent]')
    if (await found.count()) card = found.first()
  }
  const id = (await card.getAttribute('data-test')).slice(2)
  const input = card.locator('input')
  await input.fill('150')
  await input.blur()
  await page.locator(`[data-test=refused-${id}]`, { hasText: '100' }).waitFor()
  assert.equal(await input.inputValue(), '150')  // not silently made 100
  await input.fill('50')
  await input.blur()
  await page.locator(`[data-test=refused-${id}]`).waitFor({ state: 'detached' })
  await page.waitForFunction(async ([round, uscc, id]) => {
    const r = await fetch(`/api/v1/rounds/${round}/enterprises/${uscc}/assessment`)
    return r.ok && (await r.json()).answers[id] === 50
  }, ['gd-now', uscc, id])
  await page.close()
})

// The serious and critical WCAG 2 A/AA violations axe-core finds on the page,
// one line each.
async function axeViolations(page) {
  await page.addScriptTag({ path: axeScript })
  const result = await page.evaluate(() => window.axe.run(document, { runOnly: ['wcag2a', 'wcag2aa'] }))
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`)
}

test('axe-core finds no serious or critical accessibility violation on any page, at a desk or on a phone', async () => {
  const pages = {
    enterprise: ['/result', '/assessment', '/grants', '/password', '/enterprises/'],
    guangzhou: ['/progress', '/review', '/outstanding', '/enterprises', '/datamap', '/contacts', '/policy', '/accounts', '/accounts?tab=registrations'],
    guangdong: ['/circulars', '/selection', '/policy', '/reports', '/rounds'],
  }
  const found = []
  for (const viewport of [{ width: 1360, height: 900 }, { width: 390, height: 844 }]) {
    const login = await browser.newPage({ locale: 'zh-CN', viewport, bypassCSP: true })  // axe is injected
    await login.goto(`${server.url}/login`)
    await login.locator('input[name=username]').waitFor()
    for (const v of await axeViolations(login)) found.push(`${viewport.width} /login ${v}`)
    await login.close()
    for (const [username, paths] of Object.entries(pages)) {
      const context = await browser.newContext({ locale: 'zh-CN', viewport, bypassCSP: true })
      const page = await loggedIn(username, context)
      const scope = await page.evaluate(() => fetch('/api/v1/session').then((r) => r.json()).then((j) => j.user.scope))
      for (const path of paths) {
        await page.goto(`${server.url}${path === '/enterprises/' ? `/enterprises/${scope}` : path}`)
        await page.waitForLoadState('networkidle')
        for (const v of await axeViolations(page)) found.push(`${viewport.width} ${username} ${path} ${v}`)
      }
      await context.close()
    }
  }
  assert.deepEqual(found, [])
})

test('budget: the login page loads at most 500 KB of JavaScript, gzipped', async () => {
  const page = await browser.newPage()
  const scripts = []
  page.on('response', (r) => {
    if (r.url().endsWith('.js')) scripts.push(r.body().then((b) => gzipSync(b).length))
  })
  await page.goto(`${server.url}/login`)
  await page.locator('button[type=submit]').waitFor({ state: 'visible' })
  // Every script the login page loaded, as the server would send it gzipped;
  // ECharts and the map are loaded only by the pages that draw them.
  const bytes = (await Promise.all(scripts)).reduce((a, b) => a + b, 0)
  assert.ok(bytes <= 500 * 1024, `initial JavaScript ${bytes} bytes gzipped`)
  await page.close()
})
