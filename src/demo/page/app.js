/* global document, window, fetch, setTimeout */
/**
 * The demo workspace: polls /api/state every second and draws what the chosen person would see in Slack. Every
 * click, command and modal submission goes to the demo server, which sends Keycard the signed Slack request.
 * Block Kit is drawn by the renderer compiled from blockKit.ts (loaded before this script into `exports`).
 */
(function () {
  'use strict';
  var BlockKit = window.exports;
  var state = null;
  var me = null;
  var pane = null;
  var drawn = { pane: '', ephemerals: '', modal: '', assignments: '', people: '' };

  function $(id) {
    return document.getElementById(id);
  }

  function escapeHtml(text) {
    return BlockKit.escapeHtml(String(text == null ? '' : text));
  }

  function context() {
    var names = {};
    var channels = {};
    (state.people || []).forEach(function (person) {
      names[person.id] = person.name;
    });
    (state.channels || []).forEach(function (channel) {
      channels[channel.id] = channel.name;
    });
    return { names: names, channels: channels };
  }

  function post(path, body) {
    return fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).then(function (response) {
      return response.json().catch(function () {
        return { status: response.status };
      });
    });
  }

  /** One message from Keycard, with what its buttons must tell Keycard about where they were clicked. */
  function messageHtml(message) {
    var container = JSON.stringify({ type: 'message', channel: message.channel, ts: message.ts });
    return (
      '<div class="message" data-container="' +
      escapeHtml(container) +
      '"><div class="avatar">K</div><div class="message-body"><span class="sender">Keycard</span>' +
      // The fake Slack's ts are ids, not clock times: no time is shown.
      '<span class="app-tag">APP</span>' +
      BlockKit.renderMessage(message, context()) +
      '</div></div>'
    );
  }

  function messagesHtml(messages, empty) {
    if (!messages || messages.length === 0) return '<div class="empty">' + escapeHtml(empty) + '</div>';
    return messages.map(messageHtml).join('');
  }

  function drawPeople() {
    var html = (state.people || [])
      .map(function (person) {
        return (
          '<button type="button" class="nav-item' +
          (person.id === me ? ' selected' : '') +
          '" data-person="' +
          escapeHtml(person.id) +
          '">' +
          escapeHtml(person.name) +
          '<span class="role">' +
          escapeHtml(person.role) +
          '</span></button>'
        );
      })
      .join('');
    var channels = (state.channels || [])
      .map(function (channel) {
        var id = 'channel:' + channel.id;
        return (
          '<button type="button" class="nav-item' +
          (pane === id ? ' selected' : '') +
          '" data-pane="' +
          escapeHtml(id) +
          '"># ' +
          escapeHtml(channel.name) +
          '</button>'
        );
      })
      .join('');
    if (html + channels !== drawn.people) {
      $('people').innerHTML = html;
      $('channel-list').innerHTML = channels;
      drawn.people = html + channels;
    }
    document.querySelectorAll('.nav-item[data-pane="dm"], .nav-item[data-pane="home"]').forEach(function (item) {
      item.classList.toggle('selected', item.getAttribute('data-pane') === pane);
    });
  }

  function drawPane() {
    var title;
    var html;
    if (pane === 'dm') {
      title = 'Keycard — direct messages';
      html = messagesHtml((state.dms || {})[me], 'No direct messages from Keycard yet.');
    } else if (pane === 'home') {
      title = 'Keycard — App Home';
      var home = (state.homes || {})[me];
      html = home
        ? '<div data-container="' +
          escapeHtml(JSON.stringify({ type: 'view', viewId: home.id })) +
          '">' +
          BlockKit.renderBlocks(home.blocks, context()) +
          '</div>'
        : '<div class="empty">Opening the App Home…</div>';
    } else {
      var id = pane.slice('channel:'.length);
      var channel = (state.channels || []).filter(function (c) {
        return c.id === id;
      })[0];
      title = '# ' + (channel ? channel.name : id);
      html = messagesHtml(channel && channel.messages, 'No messages in this channel yet.');
    }
    $('pane-title').textContent = title;
    if (html !== drawn.pane) {
      var box = $('pane');
      var atBottom = box.scrollTop + box.clientHeight >= box.scrollHeight - 8;
      box.innerHTML = html;
      if (atBottom) box.scrollTop = box.scrollHeight;
      drawn.pane = html;
    }
  }

  function drawEphemerals() {
    var messages = ((state.ephemerals || {})[me] || []).slice(-3);
    var html = messages.length
      ? '<div class="ephemeral-note">Only visible to you</div>' + messages.map(messageHtml).join('')
      : '';
    if (html !== drawn.ephemerals) {
      $('ephemerals').innerHTML = html;
      drawn.ephemerals = html;
    }
  }

  /** The open modal is redrawn only when Keycard changes it, so what someone is typing stays. */
  function drawModal() {
    var view = (state.modals || {})[me];
    var key = view ? JSON.stringify(view) : '';
    if (key === drawn.modal) return;
    drawn.modal = key;
    if (!view) {
      $('modal-root').innerHTML = '';
      return;
    }
    $('modal-root').innerHTML = window.KeycardModal.html(view, context());
  }

  function drawAssignments() {
    var rows = state.identityCenter || [];
    var html = rows.length
      ? rows
          .map(function (row) {
            return (
              '<div class="assignment"><strong>' +
              escapeHtml(row.userName || row.email || row.principalId) +
              '</strong>' +
              escapeHtml(row.permissionSetName) +
              ' @ ' +
              escapeHtml(row.accountName || row.accountId) +
              ' <span class="role">(' +
              escapeHtml(row.accountId) +
              ')</span></div>'
            );
          })
          .join('')
      : '<div class="empty">No assignments: nobody holds production access.</div>';
    if (html !== drawn.assignments) {
      $('assignments').innerHTML = html;
      drawn.assignments = html;
    }
  }

  function draw() {
    if (!state) return;
    if (!me && state.people && state.people.length) me = state.people[0].id;
    if (!pane) pane = state.channels && state.channels.length ? 'channel:' + state.channels[0].id : 'dm';
    $('banner').textContent = state.banner || 'Demo: no real access is granted.';
    $('temporal-link').setAttribute('href', state.temporalUiUrl || '#');
    drawPeople();
    drawPane();
    drawEphemerals();
    drawModal();
    drawAssignments();
  }

  function refresh() {
    return fetch('/api/state')
      .then(function (response) {
        return response.json();
      })
      .then(function (next) {
        state = next;
        draw();
      })
      .catch(function () {
        /* the next poll tries again */
      });
  }

  function poll() {
    refresh().then(function () {
      setTimeout(poll, 1000);
    });
  }

  function choose(nextPane) {
    pane = nextPane;
    if (pane === 'home') post('/api/home', { user: me }).then(refresh);
    draw();
  }

  document.addEventListener('click', function (event) {
    var target = event.target.closest('button, a');
    if (!target) return;
    if (target.hasAttribute('data-person')) {
      me = target.getAttribute('data-person');
      drawn.modal = null;
      if (pane === 'home') post('/api/home', { user: me }).then(refresh);
      draw();
    } else if (target.hasAttribute('data-pane')) {
      choose(target.getAttribute('data-pane'));
    } else if (target.id === 'modal-close') {
      var form = $('modal');
      post('/api/close', { user: me, viewId: form.getAttribute('data-view-id') }).then(refresh);
    } else if (target.hasAttribute('data-action')) {
      var holder = target.closest('[data-container]');
      var action = JSON.parse(target.getAttribute('data-action'));
      var container = holder ? JSON.parse(holder.getAttribute('data-container')) : null;
      target.disabled = true;
      post('/api/action', { user: me, action: action, container: container }).then(refresh);
    }
  });

  document.addEventListener('submit', function (event) {
    event.preventDefault();
    if (event.target.id === 'composer') {
      var input = $('command');
      var line = input.value.trim();
      var match = /^\/prod-access(?:\s+([\s\S]*))?$/.exec(line);
      if (!match) {
        input.setCustomValidity('This demo workspace knows one command: /prod-access …');
        input.reportValidity();
        return;
      }
      input.setCustomValidity('');
      input.value = '';
      post('/api/command', { user: me, text: (match[1] || '').trim() }).then(refresh);
    } else if (event.target.id === 'modal') {
      var form = event.target;
      var viewId = form.getAttribute('data-view-id');
      post('/api/submit', { user: me, viewId: viewId, values: window.KeycardModal.values(form) }).then(
        function (answer) {
          window.KeycardModal.showErrors(form, answer && answer.errors);
          return refresh();
        },
      );
    }
  });

  poll();
})();
