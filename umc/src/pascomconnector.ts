/**
 * UMC module front end (compiled to the AMD module umc/dist/js/pascomconnector.js by
 * umc/build.mjs). It asks the module's Python backend for a single sign-on URL and shows the
 * pascom Connector admin page in an iframe filling the tab. When the page reports that its
 * session ended, it mints a fresh token and reloads the frame.
 */
import type {
  AmdDefine,
  ContentPaneConstructor,
  Declare,
  DojoOn,
  DojoWindow,
  DomConstruct,
  IFrameLike,
  MessageEventLike,
  ModuleBase,
  NodeLike,
  Translate,
  UmcTools,
} from './umc-env.js';

declare const define: AmdDefine;

interface PascomModule extends ModuleBase {
  buildRendering(): void;
  postCreate(): void;
  _frame: IFrameLike | undefined;
  _message: NodeLike | undefined;
  _openedAt: number;
  _open(): void;
  _onMessage(event: MessageEventLike): void;
  _showError(): void;
}

define<[Declare, DojoOn, DomConstruct, DojoWindow, ContentPaneConstructor, unknown, UmcTools, Translate]>([
  'dojo/_base/declare',
  'dojo/on',
  'dojo/dom-construct',
  'dojo/_base/window',
  'dijit/layout/ContentPane',
  'umc/widgets/Module',
  'umc/tools',
  'umc/i18n!umc/modules/pascomconnector',
], (declare, on, domConstruct, win, ContentPane, Module, tools, _) => {
  // Everything lives inside the factory: a classic script's top-level names would be page globals.
  /** Posted by the admin page to `window.parent` when its session expired: `{type: SESSION_EXPIRED}`. */
  const SESSION_EXPIRED = 'pascom-connector:session-expired';
  const TOKEN_COMMAND = 'pascomconnector/token';
  /** A page that reports expiry again this soon after a fresh token is not helped by another one. */
  const MIN_REOPEN_INTERVAL_MS = 10_000;

  function hasType(data: unknown, type: string): boolean {
    return typeof data === 'object' && data !== null && 'type' in data && data.type === type;
  }

  function urlOf(result: unknown): string | undefined {
    if (typeof result !== 'object' || result === null || !('url' in result)) return undefined;
    return typeof result.url === 'string' && result.url.startsWith('/') ? result.url : undefined;
  }

  const prototype: ThisType<PascomModule> & Partial<PascomModule> = {
    _frame: undefined,
    _message: undefined,
    _openedAt: 0,

    buildRendering() {
      // eslint-disable-next-line prefer-rest-params -- dojo's inherited() finds the overridden method through `arguments`
      this.inherited(arguments);
      const pane = new ContentPane({ region: 'main', style: 'height: 100%; padding: 0; overflow: hidden' });
      this._message = domConstruct.create('p', { textContent: _('Opening the pascom Connector…') });
      this._frame = domConstruct.create('iframe', {
        title: _('pascom Connector administration'),
        style: 'display: block; width: 100%; height: 100%; border: 0',
      });
      pane.domNode.appendChild(this._message);
      pane.domNode.appendChild(this._frame);
      this.addChild(pane);
    },

    postCreate() {
      // eslint-disable-next-line prefer-rest-params -- dojo's inherited() finds the overridden method through `arguments`
      this.inherited(arguments);
      this.own(on(win.global, 'message', (event) => this._onMessage(event)));
      this._open();
    },

    _open() {
      this._openedAt = Date.now();
      this.standby(true);
      tools.umcpCommand(TOKEN_COMMAND, {}).then(
        (response) => {
          this.standby(false);
          const url = urlOf(response.result);
          if (url === undefined || this._frame === undefined) return this._showError();
          if (this._message !== undefined) this._message.textContent = '';
          this._frame.src = url;
        },
        () => {
          this.standby(false);
          this._showError();
        },
      );
    },

    _onMessage(event) {
      if (this._frame === undefined || event.source !== this._frame.contentWindow) return;
      if (event.origin !== win.global.location.origin || !hasType(event.data, SESSION_EXPIRED)) return;
      if (Date.now() - this._openedAt < MIN_REOPEN_INTERVAL_MS) return this._showError();
      this._open();
    },

    _showError() {
      if (this._message !== undefined) this._message.textContent = _('The pascom Connector could not be opened.');
    },
  };
  return declare('umc.modules.pascomconnector', [Module], prototype);
});
