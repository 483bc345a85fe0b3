/**
 * The one script of the sign-in pages, served from our origin at `/assets/signin-passkey.js`
 * (the CSP allows 'self' scripts on these pages and no inline ones). It reveals the passkey
 * sections only where WebAuthn exists, runs the ceremony with the options the server put in
 * `data-options`, and posts the result as JSON in the form's `credential` field: no fetch, so
 * the pages need no `connect-src`. Without JavaScript nothing here runs and the sections stay hidden.
 *
 * Plain ES2020 so every browser that has WebAuthn can run it; kept tiny and dependency-free.
 */
export const PASSKEY_SCRIPT = `'use strict';
(function () {
  if (!window.PublicKeyCredential || !navigator.credentials) return;

  function toBuffer(text) {
    var base64 = text.replace(/-/g, '+').replace(/_/g, '/');
    var binary = atob(base64 + '===='.slice((base64.length + 3) % 4 + 1));
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes.buffer;
  }

  function toText(buffer) {
    var bytes = new Uint8Array(buffer);
    var binary = '';
    for (var i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
    return btoa(binary).replace(/\\+/g, '-').replace(/\\//g, '_').replace(/=+$/, '');
  }

  function common(credential) {
    return {
      id: credential.id,
      rawId: toText(credential.rawId),
      type: credential.type,
      authenticatorAttachment: credential.authenticatorAttachment || undefined,
      clientExtensionResults: credential.getClientExtensionResults ? credential.getClientExtensionResults() : {},
    };
  }

  function get(options) {
    return navigator.credentials
      .get({
        publicKey: {
          challenge: toBuffer(options.challenge),
          rpId: options.rpId,
          timeout: options.timeout,
          userVerification: options.userVerification,
          allowCredentials: [],
        },
      })
      .then(function (credential) {
        var r = credential.response;
        var json = common(credential);
        json.response = {
          clientDataJSON: toText(r.clientDataJSON),
          authenticatorData: toText(r.authenticatorData),
          signature: toText(r.signature),
          userHandle: r.userHandle ? toText(r.userHandle) : undefined,
        };
        return json;
      });
  }

  function create(options) {
    var publicKey = Object.assign({}, options, {
      challenge: toBuffer(options.challenge),
      user: Object.assign({}, options.user, { id: toBuffer(options.user.id) }),
      excludeCredentials: (options.excludeCredentials || []).map(function (c) {
        return Object.assign({}, c, { id: toBuffer(c.id) });
      }),
    });
    delete publicKey.hints;
    return navigator.credentials.create({ publicKey: publicKey }).then(function (credential) {
      var r = credential.response;
      var json = common(credential);
      json.response = {
        clientDataJSON: toText(r.clientDataJSON),
        attestationObject: toText(r.attestationObject),
        transports: r.getTransports ? r.getTransports() : [],
      };
      return json;
    });
  }

  // With the offer visible, "Continue" means "not now".
  Array.prototype.forEach.call(document.querySelectorAll('[data-passkey-skip]'), function (button) {
    button.textContent = button.getAttribute('data-passkey-skip');
  });

  var sections = document.querySelectorAll('[data-passkey]');
  Array.prototype.forEach.call(sections, function (section) {
    var button = section.querySelector('button[data-options]');
    var status = section.querySelector('[data-passkey-status]');
    if (!button || !button.form) return;
    section.hidden = false;
    button.addEventListener('click', function () {
      var options = JSON.parse(button.getAttribute('data-options'));
      var ceremony = section.getAttribute('data-passkey') === 'create' ? create : get;
      button.disabled = true;
      if (status) status.hidden = true;
      ceremony(options).then(
        function (credential) {
          button.form.elements.namedItem('credential').value = JSON.stringify(credential);
          button.form.submit();
        },
        function () {
          button.disabled = false;
          if (status) status.hidden = false;
        },
      );
    });
  });
})();
`;
