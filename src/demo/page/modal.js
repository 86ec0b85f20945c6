/* global window */
/**
 * The open modal of the demo workspace: drawn from its view, and read back as Slack reads a view_submission.
 * Loaded after blockKit.js and before app.js, which uses it as `window.KeycardModal`.
 */
(function () {
  'use strict';
  var BlockKit = window.exports;

  function escapeHtml(text) {
    return BlockKit.escapeHtml(String(text == null ? '' : text));
  }

  function html(view, context) {
    var text = function (t, fallback) {
      return escapeHtml(t && t.text ? t.text : fallback);
    };
    return (
      '<div class="modal-backdrop"><form class="modal" id="modal" data-view-id="' +
      escapeHtml(view.id) +
      '" data-container="' +
      escapeHtml(JSON.stringify({ type: 'view', viewId: view.id })) +
      '"><div class="modal-title">' +
      text(view.title, '') +
      '</div><div class="modal-body">' +
      BlockKit.renderBlocks(view.blocks, context) +
      '</div><div class="modal-footer"><button type="button" class="bk-button" id="modal-close">' +
      text(view.close, 'Cancel') +
      '</button>' +
      (view.submit
        ? '<button type="submit" class="bk-button bk-primary" id="modal-submit">' + text(view.submit) + '</button>'
        : '') +
      '</div></form></div>'
    );
  }

  /** The values of the open modal's inputs, as Slack puts them in a view_submission. */
  function modalValues(form) {
    var values = {};
    form.querySelectorAll('[data-block-id][data-action-id]').forEach(function (field) {
      var block = field.getAttribute('data-block-id');
      var action = field.getAttribute('data-action-id');
      var type = field.getAttribute('data-type') || 'plain_text_input';
      values[block] = values[block] || {};
      values[block][action] =
        type === 'static_select'
          ? { type: type, value: field.value, selected_option: field.value ? { value: field.value } : null }
          : { type: type, value: field.value };
    });
    return values;
  }

  function showErrors(form, errors) {
    form.querySelectorAll('.bk-error').forEach(function (box) {
      box.textContent = (errors && errors[box.getAttribute('data-error-for')]) || '';
    });
  }

  window.KeycardModal = { html: html, values: modalValues, showErrors: showErrors };
})();
