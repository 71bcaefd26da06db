// ECharts with only what the pages draw, loaded on demand (dynamic import),
// so the first page does not carry it.
import * as echarts from 'echarts/core'
import { BarChart, LineChart, MapChart } from 'echarts/charts'
import { GridComponent, LegendComponent, TitleComponent, TooltipComponent, VisualMapComponent } from 'echarts/components'
import { SVGRenderer } from 'echarts/renderers'

echarts.use([BarChart, LineChart, MapChart, GridComponent, LegendComponent, TitleComponent, TooltipComponent,
  VisualMapComponent, SVGRenderer])

export { echarts }

// The chart drawn in `el` (SVG), made on first use.
export const chartOn = (el: HTMLElement) => echarts.getInstanceByDom(el) ?? echarts.init(el, undefined, { renderer: 'svg' })
