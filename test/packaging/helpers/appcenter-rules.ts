/**
 * The App Center's vocabulary, as listed in docs/appcenter-rules.md (UCS 5.2
 * app.py, settings.py): known ini keys, typed keys, choices and patterns. Keys are compared the
 * way the App Center looks them up: lower case, without "_".
 */
export const ID_PATTERN = /^[a-zA-Z0-9]+(([a-zA-Z0-9-_]+)?[a-zA-Z0-9])?$/;
export const CODE_PATTERN = /^[A-Za-z0-9]{2}$/;
export const UCS_VERSION_PATTERN = /^(\d+)\.(\d+)-(\d+)(?: errata(\d+))?$/;
export const UDM_MODULE_PATTERN = /^[a-z0-9_]+\/[a-z0-9_]+$/;
export const BOOLEAN_WORDS = ['1', 'yes', 'true', 'on', '0', 'no', 'false', 'off'];

/** INI-06 */
export const BOOLEAN_KEYS = [
  'InstallPermissions',
  'NotifyVendor',
  'AutoModProxy',
  'EndOfLife',
  'WithoutRepository',
  'UserActivationRequired',
  'AutomaticSchemaCreation',
  'ADMemberIssueHide',
  'ADMemberIssuePassword',
  'DockerMigrationWorks',
  'DockerUCRStyleEnv',
  'HostCertificateAccess',
  'VoteForApp',
];
/** INI-07 */
export const INT_KEYS = [
  'WebInterfacePortHTTP',
  'WebInterfacePortHTTPS',
  'MinPhysicalRAM',
  'MinFreeDiskSpace',
  'ListenerUDMVersion',
];
/** INI-09 */
export const UCS_OVERVIEW_CATEGORIES = ['admin', 'service', 'False', 'None'];
/** INI-30 */
export const LOCALISABLE_KEYS = [
  'Name',
  'Description',
  'LongDescription',
  'Thumbnails',
  'Website',
  'SupportURL',
  'WebsiteVendor',
  'WebsiteMaintainer',
  'WebInterfaceName',
  'InstallPermissionsMessage',
  'ShopURL',
];
/** The App class attributes (INI-29); anything else in [Application] is silently ignored. */
export const KNOWN_APP_KEYS = [
  'ID',
  'Code',
  'Name',
  'Version',
  'Description',
  'LongDescription',
  'Thumbnails',
  'Categories',
  'AppCategories',
  'Website',
  'SupportURL',
  'Contact',
  'Vendor',
  'WebsiteVendor',
  'Maintainer',
  'WebsiteMaintainer',
  'License',
  'NotifyVendor',
  'NotificationEmail',
  'WebInterface',
  'WebInterfaceName',
  'WebInterfacePortHTTP',
  'WebInterfacePortHTTPS',
  'WebInterfaceProxyScheme',
  'AutoModProxy',
  'UCSOverviewCategory',
  'Database',
  'DatabaseName',
  'DatabaseUser',
  'DatabasePasswordFile',
  'ConflictedApps',
  'RequiredApps',
  'RequiredAppsInDomain',
  'ConflictedSystemPackages',
  'RequiredUCSVersion',
  'SupportedUCSVersions',
  'RequiredAppVersionUpgrade',
  'EndOfLife',
  'WithoutRepository',
  'DefaultPackages',
  'UmcModuleName',
  'UmcModuleFlavor',
  'UserActivationRequired',
  'PortsExclusive',
  'PortsRedirection',
  'PortsRedirectionUDP',
  'ServerRole',
  'SupportedArchitectures',
  'MinPhysicalRAM',
  'MinFreeDiskSpace',
  'ShopURL',
  'ADMemberIssueHide',
  'ADMemberIssuePassword',
  'AppReportObjectType',
  'AppReportObjectFilter',
  'DockerImage',
  'DockerMainService',
  'DockerMigrationWorks',
  'DockerAllowedImages',
  'DockerShellCommand',
  'DockerVolumes',
  'DockerTmpfs',
  'DockerServerRole',
  'DockerUCRStyleEnv',
  'DockerScriptInit',
  'DockerScriptSetup',
  'DockerScriptStoreData',
  'DockerScriptRestoreDataBeforeSetup',
  'DockerScriptRestoreDataAfterSetup',
  'DockerScriptUpdateAvailable',
  'DockerScriptUpdatePackages',
  'DockerScriptUpdateRelease',
  'DockerScriptUpdateAppVersion',
  'DockerScriptConfigure',
  'HostCertificateAccess',
  'ListenerUDMModules',
  'ListenerUDMVersion',
  'GenericUserActivation',
  'GenericUserActivationAttribute',
  'GenericUserActivationOption',
  'AutomaticSchemaCreation',
  'InstallPermissions',
  'InstallPermissionsMessage',
  'VoteForApp',
  'PluginOf',
  'Logo',
  'LogoDetailPage',
];
/** The ini keys naming container scripts, with the shipped file each one runs (FILE-01). */
export const DOCKER_SCRIPT_KEYS: Readonly<Record<string, string>> = {
  DockerScriptSetup: 'setup',
  DockerScriptStoreData: 'store_data',
  DockerScriptRestoreDataBeforeSetup: 'restore_data_before_setup',
  DockerScriptRestoreDataAfterSetup: 'restore_data_after_setup',
  DockerScriptUpdateAvailable: 'update_available',
  DockerScriptUpdatePackages: 'update_packages',
  DockerScriptUpdateRelease: 'update_release',
  DockerScriptUpdateAppVersion: 'update_app_version',
  DockerScriptConfigure: 'configure',
};
/** FILE-01: files the App Center knows in an app upload (README* and LICENSE_AGREEMENT* by prefix). */
export const KNOWN_APP_FILES = [
  'ini',
  'settings',
  'schema',
  'attributes',
  'env',
  'preinst',
  'inst',
  'prerm',
  'uinst',
  'setup',
  'store_data',
  'restore_data_before_setup',
  'restore_data_after_setup',
  'configure',
  'configure_host',
  'update_available',
  'update_packages',
  'update_release',
  'update_app_version',
  'update_certificates',
  'listener_trigger',
  'compose',
  'univention-config-registry-variables',
];

/** settings.py (SET-02, SET-06, SET-07) */
export const SETTING_TYPES = ['String', 'Int', 'Bool', 'List', 'Password', 'File', 'PasswordFile', 'Status'];
export const SETTING_SHOW = ['Install', 'Upgrade', 'Remove', 'Settings'];
export const SETTING_SCOPES = ['inside', 'outside'];
export const UCR_TRUTH_WORDS = [
  'true',
  'false',
  'yes',
  'no',
  '1',
  '0',
  'on',
  'off',
  'enable',
  'enabled',
  'disable',
  'disabled',
];

/** UMC-06 */
export const UMC_CATEGORIES = ['_favorites_', 'users', 'devices', 'domain', 'system', 'software', 'apps'];

export const normalizeKey = (key: string): string => key.replace(/_/g, '').toLowerCase();
