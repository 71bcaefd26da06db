// Writes a Brotli (.br) and a gzip (.gz) copy beside every compressible file
// of the built app (dist/), each only when it is smaller than the file, so
// that `rongping serve` (and nginx's gzip_static) send the smallest form a
// browser accepts without compressing on each request. Run after vite build.
import { readdirSync, readFileSync, statSync, writeFileSync, unlinkSync } from 'node:fs'
import { join } from 'node:path'
import { brotliCompressSync, gzipSync, constants } from 'node:zlib'

const compressible = /\.(html|js|mjs|css|json|map|svg|txt)$/
const root = new URL('../dist/', import.meta.url).pathname

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) yield* files(path)
    else yield path
  }
}

for (const path of [...files(root)]) {
  if (/\.(br|gz)$/.test(path)) unlinkSync(path)  // from an earlier run
}
let originals = 0, compressed = 0, written = 0
for (const path of [...files(root)]) {
  if (!compressible.test(path)) continue
  const body = readFileSync(path)
  const variants = {
    br: brotliCompressSync(body, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length },
    }),
    gz: gzipSync(body, { level: 9 }),
  }
  originals += body.length
  let smallest = body.length
  for (const [ext, data] of Object.entries(variants)) {
    if (data.length >= body.length) continue
    writeFileSync(`${path}.${ext}`, data)
    smallest = Math.min(smallest, data.length)
    ++written
  }
  compressed += smallest
}
console.log(`compressed copies: ${written}; ${(originals / 1024).toFixed(0)} KiB → ${(compressed / 1024).toFixed(0)} KiB`)
