/* A mock SCORM 1.2 / 2004 runtime for authors: keeps values in localStorage (so "resume" can be
   tried by reloading) and shows every call and value beside the course. Not an LMS. */
(function () {
  'use strict';
  const script = document.currentScript;
  const is12 = script.dataset.standard === 'scorm12';
  const key = script.dataset.key;
  const values = JSON.parse(localStorage.getItem(key) || '{}');
  const entryKey = is12 ? 'cmi.core.entry' : 'cmi.entry';
  values[entryKey] = values['cmi.suspend_data'] ? 'resume' : 'ab-initio';
  if (is12) {
    values['cmi.core.student_id'] = 'preview';
    values['cmi.core.student_name'] = 'Preview, Author';
    values['cmi.core.lesson_mode'] = 'normal';
    values['cmi.core.credit'] = 'credit';
    if (!values['cmi.core.lesson_status']) values['cmi.core.lesson_status'] = 'not attempted';
  } else {
    values['cmi.learner_id'] = 'preview';
    values['cmi.learner_name'] = 'Preview, Author';
    values['cmi.mode'] = 'normal';
    values['cmi.credit'] = 'credit';
    if (!values['cmi.completion_status']) values['cmi.completion_status'] = 'unknown';
  }
  let lastError = '0';

  function log(fn, args, result) {
    const li = document.createElement('li');
    li.textContent = `${fn}(${args.map((a) => JSON.stringify(a)).join(', ')}) → ${JSON.stringify(result)}`;
    document.getElementById('calls').prepend(li);
  }
  function render() {
    const body = document.getElementById('values');
    body.replaceChildren(...Object.keys(values).sort().map((k) => {
      const tr = document.createElement('tr');
      const th = document.createElement('th');
      const td = document.createElement('td');
      th.scope = 'row';
      th.textContent = k;
      td.textContent = values[k];
      tr.append(th, td);
      return tr;
    }));
  }
  function count(prefix) {
    const seen = new Set();
    Object.keys(values).forEach((k) => { const m = k.match(new RegExp(`^${prefix.replace(/\./g, '\\.')}\\.(\\d+)\\.`)); if (m) seen.add(m[1]); });
    return String(seen.size);
  }
  function get(name) {
    if (name.endsWith('._count')) return count(name.slice(0, -'._count'.length));
    return values[name] ?? '';
  }
  function save() { localStorage.setItem(key, JSON.stringify(values)); render(); }
  function wrap(fn, impl) {
    return (...args) => { const result = impl(...args); log(fn, args, result); return result; };
  }
  const api = {
    init: () => 'true',
    finish: () => { save(); return 'true'; },
    get: (name) => { lastError = '0'; return String(get(name)); },
    set: (name, value) => { values[name] = String(value); render(); return 'true'; },
    commit: () => { save(); return 'true'; },
    error: () => lastError,
    text: () => '',
    diag: () => '',
  };
  if (is12) {
    window.API = { LMSInitialize: wrap('LMSInitialize', api.init), LMSFinish: wrap('LMSFinish', api.finish),
      LMSGetValue: wrap('LMSGetValue', api.get), LMSSetValue: wrap('LMSSetValue', api.set),
      LMSCommit: wrap('LMSCommit', api.commit), LMSGetLastError: api.error, LMSGetErrorString: api.text,
      LMSGetDiagnostic: api.diag };
  } else {
    window.API_1484_11 = { Initialize: wrap('Initialize', api.init), Terminate: wrap('Terminate', api.finish),
      GetValue: wrap('GetValue', api.get), SetValue: wrap('SetValue', api.set), Commit: wrap('Commit', api.commit),
      GetLastError: api.error, GetErrorString: api.text, GetDiagnostic: api.diag };
  }
  window.previewValues = values;
  document.getElementById('reset').addEventListener('click', () => { localStorage.removeItem(key); location.reload(); });
  render();
})();
