/**
 * The few Dojo and UMC shapes the module front end uses, as a module (nothing global: the
 * root tsconfig checks umc/src together with the Node code, which has no DOM).
 */

export interface Handle {
  remove(): void;
}

export interface IFrameLike {
  src: string;
  readonly contentWindow: unknown;
}

export interface NodeLike {
  appendChild(child: unknown): unknown;
  textContent: string | null;
}

export interface MessageEventLike {
  readonly source: unknown;
  readonly origin: string;
  readonly data: unknown;
}

/** dojo/_base/window: `global` is the browser window. */
export interface DojoWindow {
  readonly global: { readonly location: { readonly origin: string } };
}

export interface DomConstruct {
  create(tag: 'iframe', attrs: Record<string, string>): IFrameLike;
  create(tag: string, attrs: Record<string, string>, refNode?: unknown): NodeLike;
}

export type DojoOn = (target: unknown, event: string, listener: (event: MessageEventLike) => void) => Handle;

export interface ContentPane {
  readonly domNode: NodeLike;
}
export type ContentPaneConstructor = new (params: Record<string, unknown>) => ContentPane;

/** umc/tools: umcpCommand resolves with the command's `{result}`. */
export interface UmcTools {
  umcpCommand(command: string, options: Record<string, unknown>): PromiseLike<{ result: unknown }>;
}

/** umc/i18n!…: the module's translation function. */
export type Translate = (message: string) => string;

/** What umc/widgets/Module gives its subclasses (dijit _WidgetBase + UMC's StandbyMixin). */
export interface ModuleBase {
  inherited(args: IArguments): unknown;
  own(...handles: Handle[]): unknown;
  addChild(child: ContentPane): void;
  standby(on: boolean): void;
}

export type Declare = (className: string, bases: readonly unknown[], prototype: object) => unknown;

export type AmdDefine = <Deps extends unknown[]>(
  dependencies: readonly string[],
  factory: (...modules: Deps) => unknown,
) => void;
