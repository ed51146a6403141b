/**
 * Renders a Vega-Lite spec to an SVG string in Node, with no browser and no
 * network: vega-lite compiles the spec to Vega, vega's headless View renders
 * it with the 'none' renderer and serialises the scene graph to SVG. Every
 * chart in shadowcast's HTML reports goes through here, so the reports are
 * self-contained files (inline SVG) drawn by a kept library, not by hand.
 */
import { compile, type TopLevelSpec } from 'vega-lite';
import { View, parse } from 'vega';

export type VegaLiteSpec = TopLevelSpec;

/** The SVG of one chart. Data must be inline (`data: { values: [...] }`): the renderer loads nothing. */
export async function renderVegaLiteSvg(spec: VegaLiteSpec): Promise<string> {
  const vegaSpec = compile(spec).spec;
  const view = new View(parse(vegaSpec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
