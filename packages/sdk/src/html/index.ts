/**
 * `@hivematrix/sdk/html`: server-side HTML for services. Pages are preact components rendered to
 * complete, unstyled documents that use the design system's BEM classes; the gateway adds the CSS.
 */
export { renderDocument, renderFragment, htmlPlugin, HTML_CONTENT_TYPE } from './render.js';
export { JsonScript, serializeJsonForScript, type JsonScriptProps } from './json-script.js';
export { Page, type PageProps } from './page.js';
export {
  classNames,
  safeHref,
  Card,
  Button,
  Alert,
  Badge,
  PageHeader,
  EmptyState,
  type HeadingLevel,
  type CardProps,
  type ButtonProps,
  type ButtonVariant,
  type AlertProps,
  type BadgeProps,
  type PageHeaderProps,
  type EmptyStateProps,
} from './components.js';
export {
  TextField,
  TextArea,
  SelectField,
  Checkbox,
  type TextFieldProps,
  type TextAreaProps,
  type SelectFieldProps,
  type SelectOption,
  type CheckboxProps,
} from './forms.js';
export {
  Num,
  Money,
  DateTime,
  formatNumber,
  formatCount,
  formatMoney,
  formatDateTime,
  type NumProps,
  type MoneyProps,
  type DateTimeProps,
  type DateTimeStyle,
  type NumberFormatOptions,
} from './format.js';
export { Table, Pagination, STICKY_ROWS, type TableColumn, type TableProps, type PaginationProps } from './table.js';
