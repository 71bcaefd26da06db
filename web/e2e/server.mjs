// A throwaway rongping server for the end-to-end tests: a temporary SQLite
// database with the guangdong-2016 scenario, serving web/dist on a free port.
import { spawn, execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const bin = join(root, 'build', 'rongping')
const cost = ['--password-hash-cost', 'minimum']

// A valid 统一社会信用代码 (GB 32100 check character) for serial n.
function makeUscc(n) {
  const chars = '0123456789ABCDEFGHJKLMNPQRTUWXY'
  const weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
  const first17 = `91440100${String(n).padStart(8, '0')}X`
  const sum = [...first17].reduce((s, c, i) => s + chars.indexOf(c) * weights[i], 0)
  return first17 + chars[(31 - (sum % 31)) % 31]
}

export async function startServer() {
  const dir = mkdtempSync(join(tmpdir(), 'rongping-e2e-'))
  const db = `sqlite:${join(dir, 'e2e.db')}`
  execFileSync(bin, ['demo', '--db', db, '--scenario', 'guangdong-2016', ...cost], { stdio: 'ignore' })
  const proc = spawn(bin, ['serve', '--db', db, '--listen', '127.0.0.1:0', '--web-root', join(root, 'web', 'dist'), ...cost], {
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  const url = await new Promise((resolve, reject) => {
    let text = ''
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${text}`)), 30000)
    proc.stderr.on('data', (chunk) => {
      text += chunk
      const m = text.match(/正在服务 (http:\/\/127\.0\.0\.1:\d+)/)
      if (m) {
        clearTimeout(timer)
        resolve(m[1])
      }
    })
    proc.on('exit', (code) => reject(new Error(`server exited with ${code}:\n${text}`)))
  })
  const tokens = {}
  async function api(username, method, path, body, token) {
    if (!token && username) {
      tokens[username] ??= (await api(null, 'POST', '/api/v1/session', { username, password: 'Rongping2016' })).token
      token = tokens[username]
    }
    const r = await fetch(url + path, {
      method,
      headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await r.text()
    if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text}`)
    return text ? JSON.parse(text) : {}
  }
  return {
    url,
    api,
    makeUscc,
    // A login for an enterprise (or any role), as `rongping user add` makes it.
    addUser(username, role, scope) {
      execFileSync(bin, ['user', 'add', '--db', db, '--username', username, '--role', role, '--scope', scope, ...cost], {
        input: 'Rongping2016\n',
        stdio: ['pipe', 'ignore', 'inherit'],
      })
    },
    async stop() {
      proc.kill('SIGTERM')
      await new Promise((resolve) => proc.on('exit', resolve))
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
