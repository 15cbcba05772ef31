/** The report's whole stylesheet, inlined: the page must open with no network. */
export const PAGE_STYLE = `
:root { --fg: #1f2933; --muted: #616e7c; --line: #d9dee5; --bad: #c5221f; --bad-bg: #fdecea; --accent: #1a73e8; --warn: #e8710a; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", sans-serif; color: var(--fg); background: #f3f5f8; }
code, pre, table.schedule { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono", monospace; }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
header.top { background: #1f2933; color: #fff; padding: 14px 24px; }
header.top h1 { margin: 0; font-size: 18px; font-weight: 600; }
header.top p { margin: 4px 0 0; color: #cbd2d9; font-size: 13px; }
header.top code { color: #e4e7eb; }
header.top nav a { color: #9fc3ff; margin-right: 14px; }
main { padding: 16px 24px 40vh; }
section.finding { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 16px 20px 20px; margin-bottom: 24px; box-shadow: 0 1px 3px rgba(31, 41, 51, .06); }
section.finding h2 { font-size: 17px; margin: 0 0 2px; }
section.finding h3 { font-size: 13px; margin: 0 0 6px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
.meta { color: var(--muted); margin: 0 0 14px; font-size: 12.5px; }
.violations ol { margin: 0; padding: 0; list-style: none; }
.violation { border-left: 4px solid var(--bad); background: var(--bad-bg); padding: 8px 12px; margin: 0 0 8px; border-radius: 0 6px 6px 0; }
.violation .inv { font-weight: 700; color: var(--bad); }
.violation .vlink:hover .inv { text-decoration: underline; }
.evidence-list { margin: 4px 0 0; padding-left: 18px; font-size: 12px; list-style: none; }
.evidence-list a { color: #3e4c59; }
.evidence-list a.active, .violation .vlink.active .inv { background: #fff3c4; outline: 1px solid #f29900; border-radius: 3px; }
.evidence-list .more { color: var(--muted); }
.legend { display: flex; flex-wrap: wrap; gap: 4px 16px; font-size: 12px; color: var(--muted); margin: 10px 0 0; align-items: center; }
.legend + .legend { margin: 4px 0 10px; }
.legend .task code { color: var(--fg); }
.legend .sw { display: inline-block; width: 11px; height: 11px; border-radius: 50%; vertical-align: -1px; margin-right: 5px; }
.legend .glyph { vertical-align: -1px; }
.timeline-box { position: relative; width: max-content; max-width: 100%; overflow: auto; max-height: 76vh; border: 1px solid var(--line); border-radius: 6px; background: #fff; }
.lane-head { position: sticky; top: 0; z-index: 2; display: flex; width: max-content; background: #f8f9fb; border-bottom: 1px solid var(--line); font-size: 12px; }
.lane-head > div { padding: 6px 10px 6px 14px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; border-left: 1px solid #e6e9ee; }
.lane-head > .axis-head { position: sticky; left: 0; z-index: 1; background: #f8f9fb; border-left: 0; border-right: 1px solid #e6e9ee; color: var(--muted); text-align: right; padding-right: 8px; }
.lane-head b { font-weight: 600; }
.lane-head span { color: var(--muted); }
.tl-body { display: flex; width: max-content; }
.tl-axis { position: sticky; left: 0; z-index: 1; background: #fff; border-right: 1px solid #e6e9ee; }
.tl-body svg { display: block; font: 11px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
svg .lane-bg { fill: #f8f9fb; }
svg .lane-line { stroke: #c9d1da; stroke-width: 1.5; }
svg .band-quiesce { fill: rgba(26, 115, 232, .07); }
svg .band-snapshot { fill: rgba(52, 168, 83, .08); }
svg .band-teardown { fill: rgba(0, 0, 0, .04); }
svg .gap { opacity: .55; }
svg .hatch { stroke: #c9d1da; stroke-width: 3; }
svg .gap-lbl { text-anchor: end; fill: var(--muted); font-style: italic; font-size: 10px; }
svg .tick { text-anchor: end; fill: var(--muted); font-size: 10.5px; font-variant-numeric: tabular-nums; }
svg .rule { stroke-width: 1; }
svg .rule-action { stroke: #b8c1cc; stroke-dasharray: 2 3; }
svg .rule-phase { stroke: var(--accent); stroke-width: 1.5; }
svg .rule-hub { stroke: var(--warn); stroke-width: 2; }
svg .rule-kill { stroke: var(--bad); stroke-dasharray: 6 3; }
svg .rule-reconnect { stroke: #8e24aa; stroke-dasharray: 6 3; }
svg .note { fill: var(--fg); }
svg .note-phase { fill: var(--accent); font-weight: 600; }
svg .note-hub { fill: var(--warn); font-weight: 600; }
svg .note-kill { fill: var(--bad); }
svg .note-reconnect { fill: #8e24aa; }
svg .span { fill: none; stroke-width: 2; opacity: .7; }
svg .span-http { stroke-width: 3; }
svg .lbl { fill: var(--fg); }
svg .hit { fill: transparent; }
svg .ev, svg .departure { cursor: pointer; outline: none; }
svg .ev:hover .hit, svg .departure:hover .hit { fill: rgba(26, 115, 232, .09); }
svg .ev:focus .hit, svg .departure:focus .hit { fill: rgba(26, 115, 232, .12); stroke: var(--accent); stroke-width: 1; }
svg .evidence-row { fill: rgba(197, 34, 31, .10); }
svg .halo { fill: none; stroke: var(--bad); stroke-width: 2; }
svg .evidence .lbl { fill: var(--bad); font-weight: 600; }
svg .focused .hit { fill: #fff3c4; stroke: #f29900; stroke-width: 1.5; }
svg .focused .halo { stroke: #f29900; stroke-width: 3; animation: pulse 0.8s ease-in-out 3; }
svg .focused .lbl { fill: #7a4b00; }
@keyframes pulse { 50% { stroke-width: 7; } }
svg .departure .mark { fill: var(--warn); font-weight: 700; font-size: 15px; }
.cols { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 20px; margin-top: 16px; }
ol.actions { margin: 0; padding-left: 26px; font-size: 13px; }
ol.actions li { margin: 1px 0; }
.skip { color: var(--muted); }
pre.replay { margin: 0; background: #f5f7fa; border: 1px solid var(--line); padding: 8px 10px; border-radius: 6px; overflow-x: auto; font-size: 12px; }
details.schedule { margin-top: 16px; }
details.schedule summary { cursor: pointer; font-weight: 600; font-size: 13px; }
table.schedule { border-collapse: collapse; font-size: 12px; margin-top: 6px; }
table.schedule td { padding: 1px 10px 1px 0; white-space: nowrap; }
table.schedule td.num { text-align: right; color: var(--muted); font-variant-numeric: tabular-nums; }
table.schedule .sched-head td { color: var(--muted); padding-top: 6px; }
table.schedule tr.out td { background: #fff4e5; }
table.schedule .mark { color: var(--warn); font-weight: 600; }
#panel { position: fixed; right: 16px; bottom: 16px; width: min(460px, 44vw); max-height: 42vh; overflow: auto; background: #1f2933; color: #e4e7eb; border-radius: 8px; box-shadow: 0 8px 28px rgba(0, 0, 0, .28); font-size: 12px; z-index: 10; }
#panel[hidden] { display: none; }
#panel .p-title { display: flex; justify-content: space-between; gap: 8px; padding: 8px 12px; font-weight: 600; border-bottom: 1px solid #3e4c59; position: sticky; top: 0; background: #1f2933; }
#panel button { background: none; border: 0; color: #cbd2d9; cursor: pointer; font-size: 14px; line-height: 1; }
#panel pre { margin: 0; padding: 8px 12px 10px; white-space: pre-wrap; word-break: break-word; font-size: 11.5px; line-height: 1.45; }
`;
