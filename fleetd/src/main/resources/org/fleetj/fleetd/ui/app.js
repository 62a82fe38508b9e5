// fleet dashboard: plain JavaScript, no framework, nothing loaded from elsewhere.
// It reads the cluster through fleetd's API with the caller's credentials (a bearer token kept for this tab
// only, or a TLS client certificate), so fleetd's access roles decide what it may do.
'use strict';

const state = { token: sessionStorage.getItem('fleet-token') || '', role: '', version: 0, cluster: null,
  selected: null, view: 'journal', journal: null };
const $ = (sel) => document.querySelector(sel);

function headers(extra) {
  const h = Object.assign({}, extra || {});
  if (state.token) h['Authorization'] = 'Bearer ' + state.token;
  return h;
}

async function api(method, path, body, type) {
  const init = { method, headers: headers(body === undefined ? {} : { 'Content-Type': type || 'application/json' }) };
  if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
  const r = await fetch(path, init);
  if (r.status === 401) { showLogin(); throw new Error('sign in with an API token'); }
  if (!r.ok) {
    let message = r.status + ' ' + r.statusText;
    try { message = (await r.json()).error.message; } catch (e) { /* not fleet's JSON error */ }
    throw new Error(message);
  }
  return r;
}

function showLogin() { $('#login').hidden = false; status('sign in required', true); }
function status(text, bad) { const s = $('#status'); s.textContent = text; s.classList.toggle('bad', !!bad); }
function say(text) { $('#message').textContent = text || ''; }
function short(id) { return id ? id.substring(0, 8) : ''; }
function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') e.className = v; else if (k.startsWith('on')) e.addEventListener(k.substring(2), v); else e.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c);
  return e;
}

async function whoami() {
  const me = await (await api('GET', '/ops/v1/whoami')).json();
  state.role = me.role;
  $('#role').textContent = me.role === 'write' ? 'read-write' : 'read-only';
  $('#role').dataset.role = me.role;
  for (const e of document.querySelectorAll('.write-only')) e.hidden = me.role !== 'write';
  $('#login').hidden = true;
}

// The cluster view is long-polled: fleetd answers when something changed, so the page follows the cluster.
async function poll() {
  for (;;) {
    try {
      const r = await api('GET', '/ops/v1/cluster?since=' + state.version);
      const v = await r.json();
      state.version = v.version;
      state.cluster = v.cluster;
      render();
      status(v.cluster.registry === 'ok' ? 'live' : 'registry ' + v.cluster.registry, v.cluster.registry !== 'ok');
    } catch (e) {
      status('disconnected: ' + e.message, true);
      await new Promise((ok) => setTimeout(ok, 2000));
      if (!state.role) { try { await whoami(); } catch (e2) { /* still signed out */ } }
    }
  }
}

function render() {
  const c = state.cluster;
  const machines = $('#machines tbody');
  machines.replaceChildren(...c.machines.map((m) => el('tr', { 'data-machine': m.id },
    el('td', { class: 'id', title: m.id }, short(m.id)), el('td', {}, m.primaryIP || '-'),
    el('td', {}, ...Object.entries(m.metadata).map(([k, v]) => el('span', { class: 'meta' }, k + '=' + v))),
    el('td', { class: 'capacity' }, capacity(m)),
    el('td', { class: 'availability' }, m.availability || 'schedulable'),
    el('td', { class: 'id' }, m.apiUrl || '-'))));
  $('#machine-count').textContent = '(' + c.machines.length + ')';
  const units = $('#units tbody');
  units.replaceChildren(...c.units.map(unitRow));
  $('#unit-count').textContent = '(' + c.units.length + ')';
  if (state.selected && !c.units.some((u) => u.name === state.selected)) closeDetail();
}

// what the machine offers units, as it announced it (nothing when it states no capacity)
function capacity(m) {
  const parts = [];
  if (m.cpuMillis) parts.push((m.cpuMillis / 1000).toFixed(m.cpuMillis % 1000 ? 1 : 0) + ' CPU');
  if (m.memoryBytes) parts.push(Math.round(m.memoryBytes / 1048576) + ' MiB');
  return parts.length ? parts.join(', ') : '-';
}

function unitRow(u) {
  const systemd = u.systemd.map((s) => el('div', { class: s.activeState },
    (u.global ? short(s.machineID) + ': ' : '') + s.activeState + ' (' + s.subState + ')'));
  const actions = el('td', { class: 'actions' }, el('button', { class: 'journal', type: 'button', onclick: () => openDetail(u.name) }, 'Journal'));
  if (state.role === 'write') {
    actions.append(
      el('button', { class: 'start', type: 'button', onclick: () => setState(u.name, 'launched') }, 'Start'),
      el('button', { class: 'stop', type: 'button', onclick: () => setState(u.name, 'loaded') }, 'Stop'),
      el('button', { class: 'destroy danger', type: 'button', onclick: (ev) => destroy(u.name, ev.target) }, 'Destroy'));
  }
  return el('tr', { 'data-unit': u.name },
    el('td', { title: u.description }, u.name),
    el('td', { class: 'desired state-' + u.desiredState }, u.desiredState),
    el('td', { class: 'current state-' + (u.currentState || 'none') }, u.global ? 'global' : (u.currentState || '-')),
    el('td', { class: 'id', title: u.machineID }, u.global ? u.systemd.length + ' machines' : (short(u.machineID) || '-')),
    el('td', { class: 'systemd' }, ...systemd),
    el('td', { class: 'waiting' }, u.waiting || ''),
    actions);
}

async function setState(name, desired) {
  say('');
  try {
    await api('PUT', '/fleet/v1/units/' + encodeURIComponent(name), { name, desiredState: desired });
  } catch (e) { say(name + ': ' + e.message); }
}

async function destroy(name, button) {
  if (button.dataset.armed !== '1') { button.dataset.armed = '1'; button.textContent = 'Really destroy?'; return; }
  try {
    await api('DELETE', '/fleet/v1/units/' + encodeURIComponent(name));
  } catch (e) { say(name + ': ' + e.message); }
}

async function submit(ev) {
  ev.preventDefault();
  say('');
  const name = $('#submit-name').value.trim();
  try {
    const parsed = await (await api('POST', '/ops/v1/unit-options', $('#submit-file').value, 'text/plain')).json();
    await api('PUT', '/fleet/v1/units/' + encodeURIComponent(name), { name, desiredState: $('#submit-state').value, options: parsed.options });
    $('#submit-file').value = '';
    $('#submit-name').value = '';
  } catch (e) { say(name + ': ' + e.message); }
}

function unit(name) { return state.cluster && state.cluster.units.find((u) => u.name === name); }

function openDetail(name) {
  state.selected = name;
  $('#detail').hidden = false;
  $('#detail-title').textContent = name;
  const u = unit(name);
  const pick = $('#detail-machine');
  pick.replaceChildren(...(u && u.global ? u.systemd.map((s) => el('option', { value: s.machineID }, short(s.machineID))) : []));
  $('#machine-pick').hidden = !(u && u.global);
  show(state.view);
}

function closeDetail() {
  stopJournal();
  state.selected = null;
  $('#detail').hidden = true;
}

function show(view) {
  state.view = view;
  $('#show-journal').classList.toggle('selected', view === 'journal');
  $('#show-file').classList.toggle('selected', view === 'file');
  $('#journal').hidden = view !== 'journal';
  $('#unit-file').hidden = view !== 'file';
  if (view === 'journal') followJournal(); else { stopJournal(); loadFile(); }
}

async function loadFile() {
  try {
    $('#unit-file').textContent = await (await api('GET', '/ops/v1/units/' + encodeURIComponent(state.selected) + '/file')).text();
  } catch (e) { $('#unit-file').textContent = e.message; }
}

function stopJournal() {
  if (state.journal) state.journal.abort();
  state.journal = null;
}

// journalctl -f through fleetd: the response streams; lines are appended as they arrive.
async function followJournal() {
  stopJournal();
  const out = $('#journal');
  out.textContent = '';
  const control = new AbortController();
  state.journal = control;
  const u = unit(state.selected);
  let path = '/ops/v1/units/' + encodeURIComponent(state.selected) + '/journal?lines=50&follow=true';
  if (u && u.global && $('#detail-machine').value) path += '&machine=' + encodeURIComponent($('#detail-machine').value);
  try {
    const r = await fetch(path, { headers: headers(), signal: control.signal });
    if (!r.ok) {
      let message = r.status + ' ' + r.statusText;
      try { message = (await r.json()).error.message; } catch (e) { /* not JSON */ }
      out.textContent = message;
      return;
    }
    const reader = r.body.getReader();
    const decoder = new TextDecoder();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      const atBottom = out.scrollTop + out.clientHeight >= out.scrollHeight - 4;
      out.append(decoder.decode(value, { stream: true }));
      if (atBottom) out.scrollTop = out.scrollHeight;
    }
  } catch (e) {
    if (e.name !== 'AbortError') out.append('\n[' + e.message + ']');
  }
}

function start() {
  const fragment = new URLSearchParams(location.hash.substring(1));
  if (fragment.get('token')) {
    state.token = fragment.get('token');
    sessionStorage.setItem('fleet-token', state.token);
    history.replaceState(null, '', location.pathname);
  }
  $('#login').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    state.token = $('#token').value.trim();
    sessionStorage.setItem('fleet-token', state.token);
    try { await whoami(); state.version = 0; } catch (e) { status(e.message, true); }
  });
  $('#submit').addEventListener('submit', submit);
  $('#show-journal').addEventListener('click', () => show('journal'));
  $('#show-file').addEventListener('click', () => show('file'));
  $('#detail-machine').addEventListener('change', () => show(state.view));
  whoami().catch((e) => status(e.message, true)).finally(poll);
}

start();
