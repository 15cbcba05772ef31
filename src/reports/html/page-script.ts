/**
 * The report's only script, inlined, plain DOM. The timeline itself is
 * drawn server-side; this adds the side panel (hover or keyboard focus on
 * an event shows it in full) and the violation links (scroll to the
 * evidence and mark it `.focused`).
 */
export const PAGE_SCRIPT = `
(() => {
  const data = JSON.parse(document.getElementById('report-data').textContent);
  const panel = document.getElementById('panel');
  const title = panel.querySelector('.p-name');
  const body = panel.querySelector('pre');
  function show(id) {
    const detail = data[id];
    if (!detail) return;
    title.textContent = detail.title;
    body.textContent = detail.body;
    panel.hidden = false;
  }
  for (const el of document.querySelectorAll('.ev, .departure')) {
    el.addEventListener('mouseenter', () => show(el.id));
    el.addEventListener('focus', () => show(el.id));
  }
  panel.querySelector('button').addEventListener('click', () => { panel.hidden = true; });
  function clearFocus() {
    for (const el of document.querySelectorAll('.focused, .active')) el.classList.remove('focused', 'active');
  }
  document.addEventListener('click', (event) => {
    const link = event.target.closest('a[data-targets]');
    if (!link) return;
    event.preventDefault();
    clearFocus();
    link.classList.add('active');
    const found = link.dataset.targets.split(' ').map((id) => document.getElementById(id)).filter(Boolean);
    for (const el of found) el.classList.add('focused');
    const first = found[0];
    if (!first) return;
    first.scrollIntoView({ block: 'center', inline: 'center' });
    first.focus({ preventScroll: true });
    show(first.id);
  });
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') { clearFocus(); panel.hidden = true; }
  });
})();
`;
