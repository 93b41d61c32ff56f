// Nagare's web console: draws the page named by the path from the JSON API under /api/v1/.
// Plain DOM, no framework; every figure comes from the API unchanged (formatting only), and text is set through
// textContent, never innerHTML, so a topic or group name cannot inject markup.
// Pages redraw themselves every 10 s (?refresh=N sets N seconds, 0 stops it). A part the user works in (the record
// browser) is made once per visit and kept through redraws: keep(id, make) hands back the same element.
(function () {
  'use strict';

  const app = document.getElementById('app');

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'class') e.className = v; else e.setAttribute(k, v);
    }
    for (const c of children) {
      if (c !== null && c !== undefined) e.append(c instanceof Node ? c : String(c));
    }
    return e;
  }

  async function api(path) {
    const r = await fetch('/api/v1/' + path, { headers: { Accept: 'application/json' } });
    const body = await r.json();
    if (!r.ok) throw new Error(body.message || r.statusText);
    return body;
  }

  const enc = encodeURIComponent;
  const num = n => Number(n).toLocaleString('en-US');
  const utc = ms => new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  const utcMillis = ms => new Date(ms).toISOString().replace('T', ' ').replace(/Z$/, ' UTC');

  function duration(ms) {
    const s = ms / 1000;
    if (s < 60) return s.toFixed(1) + ' s';
    if (s < 3600) return (s / 60).toFixed(1) + ' min';
    if (s < 86400) return (s / 3600).toFixed(1) + ' h';
    return (s / 86400).toFixed(1) + ' d';
  }

  function bytes(n) {
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let i = 0;
    while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
    return (i === 0 ? n : n.toFixed(1)) + ' ' + units[i];
  }

  // A table; columns are [heading, field-name, value-of(row), numeric?]. Each cell carries data-field for tests.
  function table(id, columns, rows) {
    const head = el('tr', {}, ...columns.map(([h, , , n]) => el('th', n ? { class: 'num' } : {}, h)));
    const body = rows.map(r => el('tr', {},
      ...columns.map(([, field, value, n]) => el('td', n ? { class: 'num', 'data-field': field } : { 'data-field': field }, value(r)))));
    return el('table', { id }, el('thead', {}, head), el('tbody', {}, ...body));
  }

  const statusBadge = s => el('span', { class: 'status status-' + s, 'data-field': 'status' }, s);

  // An estimate in seconds: null while not known, "Infinity" when the group makes no progress.
  const estimate = s => s === null || s === undefined ? 'not known yet' : s === 'Infinity' ? '∞' : duration(s * 1000);

  // The element kept under this id through redraws of the page, or a new one from make().
  function keep(id, make) {
    const kept = app.querySelector(':scope > [data-keep="' + id + '"]');
    if (kept) return kept;
    const made = make();
    made.setAttribute('data-keep', id);
    return made;
  }

  // A key, value or header value of the records API: null, or {encoding: utf8|base64, data, size, truncated}.
  function bytesCell(b) {
    if (b === null) return el('span', { class: 'muted' }, 'null');
    return el('span', {}, b.encoding === 'base64' ? el('span', { class: 'encoding' }, 'base64 ') : null, b.data,
      b.truncated ? el('span', { class: 'muted' }, ' … (' + num(b.size) + ' bytes)') : null);
  }

  // The record browser: a partition, a start offset, a page of records, and paging through nextOffset.
  const PAGE = 50;

  function recordBrowser(topic, partitions) {
    const startOf = p => (partitions.find(x => x.partition === Number(p)) || { logStartOffset: 0 }).logStartOffset;
    const partition = el('select', { id: 'records-partition' },
      ...partitions.map(p => el('option', { value: p.partition }, p.partition)));
    const offset = el('input', { id: 'records-offset', type: 'number', min: '0', value: startOf(partition.value) });
    const prev = el('button', { id: 'records-prev', type: 'button', disabled: '' }, '← Previous');
    const next = el('button', { id: 'records-next', type: 'button', disabled: '' }, 'Next →');
    const status = el('p', { id: 'records-status', class: 'muted' });
    const rows = el('div', {});
    const box = el('section', { id: 'records' }, el('h2', {}, 'Records'),
      el('form', { id: 'records-form', class: 'controls' },
        el('label', {}, 'Partition ', partition), el('label', {}, 'From offset ', offset),
        el('button', { id: 'records-show', type: 'submit' }, 'Show'), prev, next),
      status, rows);
    let back = []; // the offsets of the pages before this one, for Previous
    let page = null;
    let asked = 0; // only the answer to the latest request is shown

    async function show(from) {
      const mine = ++asked;
      offset.value = from;
      let answer;
      try {
        answer = await api('topics/' + enc(topic) + '/partitions/' + partition.value + '/records?offset=' + from
          + '&limit=' + PAGE);
      } catch (e) {
        if (mine !== asked) return;
        page = null;
        rows.replaceChildren();
        status.className = 'error';
        status.textContent = e.message;
        prev.disabled = next.disabled = true;
        box.setAttribute('data-shown', 'error');
        return;
      }
      if (mine !== asked) return;
      page = answer;
      const r = page.records;
      status.className = 'muted';
      status.textContent = (r.length === 0 ? 'No records from offset ' + num(from)
        : 'Offsets ' + num(r[0].offset) + ' to ' + num(r[r.length - 1].offset)) + ' of partition ' + page.partition
        + ' · log start ' + num(page.logStartOffset) + ' · high watermark ' + num(page.highWatermark);
      rows.replaceChildren(table('record-table', [
        ['Offset', 'offset', x => x.offset, true],
        ['Timestamp', 'timestamp', x => utcMillis(x.timestamp) + (x.timestampType === 'LogAppendTime' ? ' (log append)' : '')],
        ['Key', 'key', x => bytesCell(x.key)],
        ['Value', 'value', x => bytesCell(x.value)],
        ['Headers', 'headers', x => el('span', {}, ...x.headers.flatMap((h, i) =>
          [i > 0 ? ', ' : '', h.key + '=', bytesCell(h.value)]))],
      ], r));
      prev.disabled = from <= page.logStartOffset;
      next.disabled = page.nextOffset >= page.highWatermark || page.nextOffset === from;
      box.setAttribute('data-shown', page.partition + ':' + from);
    }

    box.querySelector('form').addEventListener('submit', ev => {
      ev.preventDefault();
      back = [];
      show(Math.max(0, Number(offset.value) || 0));
    });
    partition.addEventListener('change', () => { back = []; show(startOf(partition.value)); });
    next.addEventListener('click', () => { back.push(page.offset); show(page.nextOffset); });
    // Without a page to go back to (the user typed the offset), the page ends where this one starts.
    prev.addEventListener('click', () =>
      show(back.length > 0 ? back.pop() : Math.max(page.logStartOffset, page.offset - PAGE)));
    show(Number(offset.value));
    return box;
  }

  async function overview() {
    const [topics, groups] = await Promise.all([api('topics'), api('groups')]);
    const byStatus = {};
    groups.forEach(g => { byStatus[g.status] = (byStatus[g.status] || 0) + 1; });
    return [
      el('h1', {}, 'Overview'),
      el('div', { class: 'cards' },
        el('a', { class: 'card', href: '/topics' }, el('div', { class: 'figure', id: 'topic-count' }, topics.length), 'topics'),
        el('a', { class: 'card', href: '/groups' }, el('div', { class: 'figure', id: 'group-count' }, groups.length), 'consumer groups'),
        el('div', { class: 'card' }, el('div', { class: 'figure', id: 'lagging-count' },
          groups.filter(g => g.status !== 'OK').length), 'groups not OK')),
    ];
  }

  async function topicList() {
    const topics = await api('topics');
    return [el('h1', {}, 'Topics'), table('topics', [
      ['Topic', 'name', t => el('a', { href: '/topics/' + enc(t.name) }, t.name)],
      ['Partitions', 'partitions', t => t.partitions, true],
      ['Internal', 'internal', t => t.internal ? 'yes' : ''],
      ['Config overrides', 'configs', t => Object.entries(t.configs).map(([k, v]) => k + '=' + v).join(', ')],
    ], topics)];
  }

  async function topicDetail(name) {
    const [topic, partitions] = await Promise.all([api('topics/' + enc(name)), api('topics/' + enc(name) + '/partitions')]);
    return [
      el('h1', {}, 'Topic ', el('span', { id: 'topic-name' }, topic.name)),
      el('p', { class: 'muted' }, 'id ' + topic.id + (topic.internal ? ' · internal' : '')),
      el('h2', {}, 'Partitions'),
      table('partitions', [
        ['Partition', 'partition', p => p.partition, true],
        ['Log start', 'logStartOffset', p => num(p.logStartOffset), true],
        ['High watermark', 'highWatermark', p => num(p.highWatermark), true],
        ['Records', 'records', p => num(p.highWatermark - p.logStartOffset), true],
        ['Size', 'sizeBytes', p => bytes(p.sizeBytes), true],
        ['Segments', 'segments', p => p.segments, true],
      ], partitions),
      keep('records', () => recordBrowser(topic.name, partitions)),
    ];
  }

  async function groupList() {
    const groups = await api('groups');
    return [el('h1', {}, 'Consumer groups'), groups.length === 0 ? el('p', { class: 'muted' }, 'No groups.') : table('groups', [
      ['Group', 'groupId', g => el('a', { href: '/groups/' + enc(g.groupId) }, g.groupId)],
      ['State', 'state', g => g.state],
      ['Status', 'status', g => statusBadge(g.status)],
      ['Members', 'members', g => g.members.length, true],
      ['Offset lag', 'totalOffsetLag', g => num(g.totalOffsetLag), true],
    ], groups)];
  }

  function forecast(group) {
    const f = group.expiry;
    if (!f) return null;
    const when = f.earliestExpiryMs === f.latestExpiryMs
      ? [el('span', { id: 'expiry-at' }, utc(f.earliestExpiryMs))]
      : ['between ', el('span', { id: 'expiry-at' }, utc(f.earliestExpiryMs)), ' and ', el('span', { id: 'expiry-last' }, utc(f.latestExpiryMs))];
    return el('section', { class: 'forecast', id: 'expiry' },
      el('h2', {}, 'Expiry forecast'),
      el('p', {}, 'The group is empty. Its committed offsets expire ', ...when,
        ' (offsets.retention.minutes). A consumer starting after that follows auto.offset.reset:'),
      el('ul', {},
        el('li', {}, 'latest: skips ', el('b', { id: 'expiry-skipped' }, num(f.skippedWithLatest)),
          ' stored records it has not processed;'),
        el('li', {}, 'earliest: processes ', el('b', { id: 'expiry-processed' }, num(f.processedWithEarliest)),
          ' stored records, ', el('b', { id: 'expiry-duplicates' }, num(f.alreadyProcessedWithEarliest)),
          ' of them a second time.')),
      el('p', { class: 'muted' }, 'Counted from the logs as they are now; records produced before the expiry add to both.'));
  }

  // One uPlot chart over the history window [from, to]: x in seconds, as uPlot wants.
  function chart(id, title, from, to, xs, series) {
    const box = el('div', { class: 'chart', id });
    const opts = {
      title, width: Math.min(app.clientWidth || 900, 1060) - 20, height: 220,
      scales: { x: { time: true, range: [from / 1000, to / 1000] } },
      series: [{}].concat(series.map(s => ({ label: s.label, stroke: s.color, width: 2, points: { show: true } }))),
    };
    box.chartArgs = [opts, [xs].concat(series.map(s => s.values))];
    return box;
  }

  function charts(history) {
    const out = [el('h2', {}, 'Lag, last 24 hours')];
    for (const [topic, samples] of Object.entries(history.topics)) {
      const xs = samples.map(s => s.timestampMs / 1000);
      out.push(chart('offset-lag-chart-' + topic, 'Offset lag · ' + topic, history.from, history.to, xs, [
        { label: 'Sum offset lag', color: '#2a6fdb', values: samples.map(s => s.sumOffsetLag) },
        { label: 'Max offset lag', color: '#d9822b', values: samples.map(s => s.maxOffsetLag) },
      ]));
      out.push(chart('time-lag-chart-' + topic, 'Time lag (s) · ' + topic, history.from, history.to, xs, [
        { label: 'Max time lag (s)', color: '#8e44ad', values: samples.map(s => s.maxTimeLagMs / 1000) },
      ]));
    }
    if (out.length === 1) out.push(el('p', { class: 'muted' }, 'No samples yet: the broker takes one every 10 seconds.'));
    return out;
  }

  async function groupDetail(id) {
    const group = await api('groups/' + enc(id));
    let history;
    try {
      history = await api('groups/' + enc(id) + '/history');
    } catch (e) {
      history = { from: Date.now() - 86400000, to: Date.now(), topics: {} }; // no sample of it yet
    }
    return [
      el('h1', {}, 'Group ', el('span', { id: 'group-id' }, group.groupId), ' ', statusBadge(group.status)),
      el('p', {}, 'State ', el('b', { id: 'group-state' }, group.state), ' · ',
        el('span', { id: 'member-count' }, group.members.length), ' member(s) · total offset lag ',
        el('b', { id: 'total-offset-lag' }, num(group.totalOffsetLag)),
        el('span', { class: 'muted' }, ' · evaluated ' + utc(group.evaluatedAtMs))),
      forecast(group),
      el('h2', {}, 'Lag per topic'),
      table('topic-lag', [
        ['Topic', 'topic', t => el('a', { href: '/topics/' + enc(t.topic) }, t.topic)],
        ['Partitions', 'partitions', t => t.partitions, true],
        ['Sum offset lag', 'sumOffsetLag', t => num(t.sumOffsetLag), true],
        ['Max offset lag', 'maxOffsetLag', t => num(t.maxOffsetLag), true],
        ['Status', 'status', t => statusBadge(t.status)],
        ['Max time lag', 'maxTimeLagMs', t => duration(t.maxTimeLagMs), true],
        ['Est. max time lag', 'estimatedMaxTimeLagSeconds', t => estimate(t.estimatedMaxTimeLagSeconds), true],
      ], group.topics),
      el('h2', {}, 'Lag per partition'),
      table('partition-lag', [
        ['Topic', 'topic', p => p.topic],
        ['Partition', 'partition', p => p.partition, true],
        ['Committed', 'committedOffset', p => num(p.committedOffset), true],
        ['Log start', 'logStartOffset', p => num(p.logStartOffset), true],
        ['Log end', 'logEndOffset', p => num(p.logEndOffset), true],
        ['Offset lag', 'offsetLag', p => num(p.offsetLag) + (p.belowLogStart ? ' (commit below log start)' : ''), true],
        ['Time lag', 'timeLagMs', p => duration(p.timeLagMs), true],
        ['Est. time lag', 'estimatedTimeLagSeconds', p => estimate(p.estimatedTimeLagSeconds), true],
      ], group.partitions),
      el('h2', {}, 'Members'),
      group.members.length === 0 ? el('p', { class: 'muted' }, 'None.') : table('members', [
        ['Member', 'memberId', m => m.memberId],
        ['Client', 'clientId', m => m.clientId],
        ['Host', 'clientHost', m => m.clientHost],
        ['Assignment', 'assignment', m => m.assignment.map(a => a.topic + ' ' + a.partitions.join(',')).join('; ')],
      ], group.members),
      ...charts(history),
    ];
  }

  function route(path) {
    const parts = path.split('/').filter(s => s).map(decodeURIComponent);
    if (parts.length === 0) return overview();
    if (parts[0] === 'topics') return parts.length === 1 ? topicList() : topicDetail(parts[1]);
    if (parts[0] === 'groups') return parts.length === 1 ? groupList() : groupDetail(parts[1]);
    return Promise.reject(new Error('No such page: ' + path));
  }

  // Puts the page's nodes in place of the last drawing's. A kept element already in the page is not moved (its inputs
  // and focus stay); the new nodes go in before the old ones leave, so the page never shrinks and the scroll stays.
  function place(nodes) {
    let before = null;
    for (const n of nodes) {
      if (n.parentNode !== app) app.insertBefore(n, before ? before.nextSibling : app.firstChild);
      before = n;
    }
    // uPlot measures its container, so charts are drawn once they are in the page.
    for (const box of app.querySelectorAll('.chart')) {
      if (!box.plot) box.plot = new uPlot(box.chartArgs[0], box.chartArgs[1], box);
    }
    for (const old of [...app.children].filter(c => !nodes.includes(c))) {
      for (const box of [old, ...old.querySelectorAll('.chart')]) {
        if (box.plot) box.plot.destroy(); // uPlot listens on the window until destroyed
      }
      old.remove();
    }
  }

  const refreshSeconds = Number(new URLSearchParams(location.search).get('refresh') ?? 10);
  let draws = 0;

  function draw() {
    route(location.pathname).then(nodes => {
      place(nodes.filter(n => n));
      document.body.setAttribute('data-loaded', 'true');
      document.body.setAttribute('data-draws', String(++draws));
    }, err => {
      if (draws === 0) {
        app.replaceChildren(el('p', { class: 'error', id: 'error' }, err.message));
        document.body.setAttribute('data-loaded', 'error');
      } else {
        console.warn('Redrawing the page failed; it shows the last figures:', err.message);
      }
    }).finally(() => {
      if (refreshSeconds > 0) setTimeout(draw, refreshSeconds * 1000);
    });
  }

  draw();
})();
