// Progressive enhancement of the public pages: suggestions while typing in the search box (an ARIA
// combobox). Everything works without this file; it only saves typing.
(function () {
  'use strict'
  var input = document.querySelector('input[data-suggest]')
  if (!input || !window.fetch) return
  var row = input.parentNode
  var list = document.createElement('ul')
  list.id = 'q-suggestions'
  list.className = 'suggestions'
  list.setAttribute('role', 'listbox')
  list.setAttribute('aria-label', '猜您想问')
  list.hidden = true
  row.appendChild(list)
  input.setAttribute('role', 'combobox')
  input.setAttribute('aria-autocomplete', 'list')
  input.setAttribute('aria-controls', list.id)
  input.setAttribute('aria-expanded', 'false')
  var items = [], active = -1, timer = 0, seq = 0

  function close() {
    list.hidden = true; list.innerHTML = ''; items = []; active = -1
    input.setAttribute('aria-expanded', 'false'); input.removeAttribute('aria-activedescendant')
  }
  function mark(i) {
    active = i
    for (var k = 0; k < list.children.length; k++) list.children[k].setAttribute('aria-selected', k === i ? 'true' : 'false')
    if (i >= 0) input.setAttribute('aria-activedescendant', 'sg-' + i); else input.removeAttribute('aria-activedescendant')
  }
  function open(found) {
    list.innerHTML = ''; items = found; active = -1
    if (!found.length) { close(); return }
    found.forEach(function (s, i) {
      var li = document.createElement('li')
      li.id = 'sg-' + i; li.setAttribute('role', 'option'); li.setAttribute('aria-selected', 'false')
      li.textContent = s.question
      li.addEventListener('mousedown', function (e) { e.preventDefault(); go(i) })
      list.appendChild(li)
    })
    list.hidden = false; input.setAttribute('aria-expanded', 'true')
  }
  function go(i) { window.location.href = '/qa/' + items[i].entryId }
  input.addEventListener('input', function () {
    clearTimeout(timer)
    var q = input.value.trim()
    if (!q) { close(); return }
    timer = setTimeout(function () {
      var mine = ++seq
      fetch(input.getAttribute('data-suggest') + '?q=' + encodeURIComponent(q), { headers: { accept: 'application/json' } })
        .then(function (r) { return r.ok ? r.json() : { items: [] } })
        .then(function (d) { if (mine === seq) open(d.items || []) })
        .catch(function () { close() })
    }, 150)
  })
  input.addEventListener('keydown', function (e) {
    if (list.hidden) return
    if (e.key === 'ArrowDown') { e.preventDefault(); mark((active + 1) % items.length) }
    else if (e.key === 'ArrowUp') { e.preventDefault(); mark(active <= 0 ? items.length - 1 : active - 1) }
    else if (e.key === 'Enter' && active >= 0) { e.preventDefault(); go(active) }
    // Chromium clears a search field on Escape: only close the list.
    else if (e.key === 'Escape') { e.preventDefault(); close() }
  })
  input.addEventListener('blur', function () { setTimeout(close, 100) })
})()
