// The one API client of the web app: every request to /api/v1 goes through
// request(), which adds the session's credentials, turns error bodies into
// ApiError (with the server's Chinese message) and reports an expired session.
//
// A session is the tab's bearer token (kept in sessionStorage from the login)
// or, in a tab opened later, the server's HttpOnly cookie, which the browser
// sends by itself; unsafe requests then carry the session's CSRF token, which
// GET /session gives.
import { t } from './i18n'

export class ApiError extends Error {
  constructor(
    public status: number,
    public code: string,
    message: string,
    public field = '',
    public details: { field: string; message: string }[] = [],
    public body: Record<string, unknown> = {},
  ) {
    super(message)
  }
}

let token = sessionStorage.getItem('rp_token') ?? ''
let csrf = '' // the cookie session's CSRF token, when the tab has no bearer token
let onExpired: () => void = () => {}

export function setToken(value: string) {
  token = value
  csrf = ''
  if (value) sessionStorage.setItem('rp_token', value)
  else sessionStorage.removeItem('rp_token')
}
// The tab goes on with the cookie session the server recognised.
export function useCookieSession(csrfToken: string) {
  csrf = csrfToken
}
export const hasToken = () => token !== ''
const hasSession = () => token !== '' || csrf !== ''
export function whenSessionExpires(handler: () => void) {
  onExpired = handler
}

// `body` is sent as JSON, or as it is when it is a Blob (a file upload).
async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {}
  if (token) headers.Authorization = `Bearer ${token}`
  else if (csrf && !['GET', 'HEAD'].includes(method)) headers['X-CSRF-Token'] = csrf
  const raw = body instanceof Blob
  if (body !== undefined) headers['Content-Type'] = raw ? 'application/octet-stream' : 'application/json'
  const payload = body === undefined ? undefined : raw ? (body as Blob) : JSON.stringify(body)
  const r = await fetch(`/api/v1${path}`, { method, headers, body: payload })
  if (r.status === 401 && hasSession()) {
    setToken('')
    onExpired()
  }
  const text = await r.text()
  const data = text ? JSON.parse(text) : {}
  if (!r.ok) {
    const e = data.error ?? {}
    throw new ApiError(r.status, e.code ?? 'error', e.message ?? `${t('requestFailed')}（${r.status}）`, e.field ?? '', e.details ?? [], data)
  }
  return data as T
}

const q = (params: Record<string, string | number | undefined>) => {
  const s = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') s.set(k, String(v))
  const text = s.toString()
  return text ? `?${text}` : ''
}

export interface User {
  id: number
  username: string
  display_name: string
  role: 'ministry' | 'province' | 'unit' | 'enterprise' | 'agency' | 'association'
  role_label: string
  scope: string
  industries: string[]
  must_change_password: boolean  // an issued password: changed before anything else
}
// An account an official administers (GET /users).
export interface Account extends Omit<User, 'must_change_password'> {
  email: string | null; disabled: boolean; must_change_password: boolean; last_login_at: string | null; created_at: string
}
export interface NewAccount { username: string; role: string; scope?: string; industries?: string[]; display_name?: string; email?: string }
// Enterprise self-registration (POST /registrations) and its review.
export interface RegistrationForm {
  units: { code: string; name: string }[]; industries: { code: string; name: string }[]; production_types: { value: string; label: string }[]
}
export interface Registration {
  id: number; uscc: string; unit_code: string; username: string; contact_email: string; created_at: string
  state: 'pending' | 'approved' | 'rejected'; decided_by: string | null; decided_at: string | null; reason: string | null
  submitted: Enterprise; on_record: Enterprise | null; held_elsewhere: boolean; has_account: boolean; username_taken: boolean
}
export interface Round {
  code: string; name: string; year: number; models: string[]; review_required: boolean
  opens_on: string; closes_on: string; deadline: string; contacts_due: string | null; province_code: string
  completion: 'submitted' | 'approved'; entries: 'enterprise' | 'assessment'; counting_note: string
  state: 'not_open' | 'open' | 'closed'; state_label: string  // today, as the server sees it
  stages: { id: string; title: string }[]  // the stages its models give
  pledge: string  // the 真实性承诺 a submitter confirms; empty when none is asked
}
export type RoundSettings = Pick<Round, 'name' | 'year' | 'province_code' | 'models' | 'opens_on' | 'closes_on' | 'deadline'
  | 'review_required' | 'completion' | 'entries' | 'pledge'> & { contacts_due?: string | null }
// The review queue's filters (GET /rounds/{round}/assessments); empty ones do not filter.
export interface AssessmentFilter {
  unit?: string; status?: string; industry?: string; level?: string
  submitted_from?: string; submitted_to?: string; q?: string; page?: number; per_page?: number
  sort?: string  // updated_at | submitted_at | total, '-' first for descending
}
// 督办 (GET /rounds/{round}/outstanding): who has not done their part yet.
export type OutstandingState = 'not_started' | 'draft' | 'rejected' | 'waiting_review'
export interface OutstandingItem {
  uscc: string; name: string; unit_code: string; unit_name: string; state: OutstandingState; state_label: string
  reminded_at: string | null  // the last 督办 reminder sent in the round
  since: string | null; contact_name: string | null; contact_phone: string | null; contact_email: string | null
}
export interface OutstandingList {
  round: string; region_name: string; waiting_days: number; as_of: string
  counts: Record<OutstandingState, number>; labels: Record<OutstandingState, string>; total: number; page: number; per_page: number; items: OutstandingItem[]
}
// 督办 reminders (POST/GET /rounds/{round}/reminders) and the notices they leave.
export interface ReminderRequest {
  target: 'enterprises' | 'contacts'; unit?: string; states?: string[]; recipients?: string[]; message?: string; at?: string
}
export interface ReminderBatch {
  id: number; target: 'enterprises' | 'contacts'; unit_code: string; states: string[]; recipients: string[]; message: string
  sender: string; created_at: string; due_at: string; state: 'scheduled' | 'sent' | 'cancelled'; sent_at: string | null
  reminded: number; skipped: number; mail: { sent: number; queued: number; failed: number; none: number }
  not_outstanding?: number
}
export interface Notice { id: number; round: string; subject: string; body: string; created_at: string; read_at: string | null }
export interface OutstandingFilter { unit?: string; state?: string; waiting_days?: number; page?: number; per_page?: number }
export interface ProgressRow {
  unit_code: string
  unit_name: string
  participating: number
  completed: number
  target: number | null
  target_met: boolean | null
  completion_rate: number | null
  rank: number | null
  gap: number | null
  expected_by_today: number | null
  has_children: boolean
}
export interface Progress {
  round: string
  unit: string
  as_of: string
  completion: 'submitted' | 'approved'   // what counts as completed (完成评估数)
  entries: 'enterprise' | 'assessment'   // what one entry is
  counting_note: string                  // the server's footnote, in Chinese
  rows: ProgressRow[]
  total: ProgressRow
}
export interface AssessmentItem {
  uscc: string
  enterprise_name: string
  unit_code: string
  status: string
  status_label: string
  total: number | null
  level: string | null
  level_title: string | null
  submitted_at: string | null
}
export interface Enterprise {
  uscc: string
  name: string
  unit_code: string
  industry_code: string
  production_type: string
  size_class_label: string
  production_type_label: string
  revenue_10k_yuan: number
  employees: number
  address: string | null
  contact_name: string | null
  contact_phone: string | null
  contact_email: string | null
  version: number
}
export interface ImportReport {
  rows: number
  invalid_rows: number
  inserted: number
  updated: number
  unchanged: number
  written: boolean
  errors: { row: number; column: string; message: string }[]
}
export interface Stat { n: number; mean?: number; p25?: number; median?: number; p75?: number; p90?: number; percentile_rank?: number | null }
export interface Diagnosis {
  enterprise_name: string
  uscc: string
  round: string
  status: string
  total: number
  level: { name: string; id: string; title: string; index: number }
  dimensions: { id: string; title: string; weight: number; score: number | null }[]
  key_indicators: { id: string; title: string; type: string; value: number | boolean | null; unit: string }[]
  benchmarks: {
    peer_group: { id: string; label: string; n: number } | null
    message?: string
    total?: Stat
    dimensions?: (Stat & { id: string; title: string })[]
    key_indicators?: (Stat & { id: string; title: string; type: string })[]
  }
  national_benchmarks: {
    peer_group: { label: string; n: number } | null
    message?: string
    scope?: string
    source_label?: string
    total?: Stat
    dimensions?: (Stat & { id: string; title: string })[]
    key_indicators?: (Stat & { id: string; title: string; type: string })[]
  }
  priorities: { title: string; score: number; gap_to_p75: number; gap_to_p90: number; indicators: { title: string; advice: string }[] }[]
  path_to_next_level: { target_level: { id: string; title: string } | null; reachable: boolean; total_after?: number; steps: { text: string; from: string; to: string }[] }
  level_advice: string
  trend: { round: string; round_name: string; status: string; status_label: string; total: number | null; level: string | null; level_title: string | null }[]
}
export interface DataMapCell {
  key: string
  label: string
  status: string
  n: number | null
  mean_total?: number
  level_counts?: number[]
  key_indicators?: (number | null)[]
}
export type DataMapParams = { by?: string; unit?: string; industry_group?: string; size?: string }
export interface DataMap {
  round: string
  unit: string
  by: string
  min_group_size: number
  model: { id: string; title: string; reference_only: boolean }
  levels: { id: string; title: string }[]
  key_indicators: { id: string; title: string; type: string; unit: string }[]
  cells: DataMapCell[]
  total: DataMapCell
}
// Enterprises chosen for policy support (GET /rounds/{round}/selection).
export type SelectionParams = { min_level?: string; min_total?: number; unit?: string; industry_group?: string; key_indicator?: string }
export interface Selection {
  round: string; model: string; matched: number; truncated: boolean
  items: { uscc: string; name: string; unit_code: string; industry_code: string; total: number; level: { id: string; title: string } }[]
}
export type Answer = string | string[] | number | boolean
export interface Question {
  id: string
  text: string
  help?: string
  type: 'single' | 'multiple' | 'number' | 'percent' | 'yesno' | 'text'
  required: boolean
  options?: { id: string; text: string; exclusive: boolean }[]
  min?: number
  max?: number
  integer?: boolean
  unit?: string
  max_length?: number
}
export interface Questionnaire {
  model: { id: string; title: string; version: string; reference_only: boolean }
  sections: { id: string; title: string; description: string; questions: Question[] }[]
}
export interface Assessment {
  round: string
  uscc: string
  model: string
  production_type: string
  status: string
  status_label: string
  round_state: 'not_open' | 'open' | 'closed'
  // What the server would accept from the caller now; the app offers only these.
  actions: { edit: boolean; submit: boolean; withdraw: boolean }
  next_step: string  // what to do next (中文), with the reviewer's reason when it was sent back
  version: number
  answers: Record<string, Answer>
  review_reason: string | null
  // The 真实性承诺 confirmed with this submission, when the round asks one (single reads only).
  pledge?: { text: string; username: string; at: string }
  result: { total: number; level: { name: string; title: string }; missing: string[]; consistency: ConsistencyIssue[] }
}
// A consistency rule (逻辑校验) the answers break: an error blocks submission.
export interface ConsistencyIssue { id: string; severity: 'error' | 'warning'; message: string; questions: string[] }
export interface Circular {
  id: number
  round: string
  unit_name: string
  as_of: string
  title: string
  created_by: string
  links: { json: string; html: string; xlsx: string }
}
export interface Contact { name: string; department_title: string; phone: string; fax: string; mobile: string; email: string }
export type ContactForm = Record<'leader' | 'liaison' | 'platform_admin', Contact | null>
export interface ContactsOverview {
  contacts_due: string | null
  summary: { units: number; submitted: number; missing: number; late: number }
  items: { unit_code: string; unit_name: string; submitted_at: string; late: boolean }[]
  missing: { unit_code: string; unit_name: string; overdue: boolean }[]
}
export interface Job { id: number; status: string; error?: string; result_url?: string }
// A reporting unit (GET /units): a province's `kind` is 'province'.
export interface Unit { code: string; name: string; parent_code: string | null; kind: string; leaf: boolean }
// 政策联动: the support measures (支持措施) of the caller's region, the
// enterprises each supported, and how they did before and after.
export interface Measure {
  id: number; name: string; kind: 'fund' | 'pilot' | 'standard' | 'voucher' | 'other'; kind_label: string; year: number
  amount_10k_yuan: number | null; unit_code: string; unit_name: string; note: string
  recipients: number  // how many enterprises it supports
  created_by: string; created_at: string; updated_at: string; version: number
}
// What a measure's form sends (POST /support-measures; PUT adds the version read, never the unit).
export interface MeasureForm { name: string; kind: string; year: number; amount_10k_yuan?: number; unit_code?: string; note?: string }
export interface Recipient {
  uscc: string; name: string; unit_code: string; unit_name: string; amount_10k_yuan: number | null; note: string; added_by: string; added_at: string
}
export type MeasureDetail = Omit<Measure, 'recipients'> & { recipients: Recipient[] }
export interface RecipientInput { uscc: string; amount_10k_yuan?: number; note?: string }
// Means over a group of enterprises: the total, each dimension and key
// indicator in the model's order; a yes/no indicator's is a share (0–1).
export interface Figures { total: number | null; dimensions: (number | null)[]; key_indicators: (number | null)[] }
export interface EffectRound { round: string; name: string; year: number }
export interface EffectScore { total: number; level_id: string; level_title: string }
export interface Effect {
  measure: Measure; model: { id: string; name: string }; before: EffectRound; after: EffectRound; min_group_size: number
  rounds: EffectRound[]  // the rounds that could be compared
  dimensions: { id: string; title: string }[]
  key_indicators: { id: string; title: string; type: 'bool' | 'number'; unit: string }[]
  levels: { id: string; title: string }[]
  recipients: { count: number; with_both: number; before: Figures; after: Figures; change: Figures; levels_before: number[]; levels_after: number[] }
  comparable: null | { recipients_matched: number; enterprises: number; recipients_change: Figures; change: Figures; difference: Figures }
  enterprises: {
    uscc: string; name: string; unit_name: string; before: EffectScore | null; after: EffectScore | null
    change: number | null; comparable_change: number | null; comparable_n: number | null
  }[]
}
export type EffectParams = { before?: string; after?: string }
// 典型经验: an enterprise's experience a region marks for a year.
export interface TypicalCase {
  year: number; uscc: string; name: string; unit_code: string; unit_name: string; title: string; text: string
  measure_id: number | null; marked_by: string; marked_at: string
}

// A table's sort (Element Plus's sort-change) as the API's `sort`
// parameter: the column's prop, '-' first from high to low; '' for none.
export const sortParam = ({ prop, order }: { prop: string; order: 'ascending' | 'descending' | null }) =>
  order ? `${order === 'descending' ? '-' : ''}${prop}` : ''

export const api = {
  login: (username: string, password: string) =>
    request<{ token: string; user: User }>('POST', '/session', { username, password }),
  session: () => request<{ user: User; csrf_token: string }>('GET', '/session'),
  logout: () => request<unknown>('DELETE', '/session'),
  changePassword: (current_password: string, new_password: string) =>
    request<unknown>('PUT', '/session/password', { current_password, new_password }),
  rounds: () => request<{ items: Round[] }>('GET', '/rounds'),
  // A round's settings as the province sets them (PUT /rounds/{code}).
  putRound: (code: string, round: RoundSettings) => request<Round>('PUT', `/rounds/${code}`, round),
  putTarget: (round: string, unit: string, rule: string) => request<unknown>('PUT', `/rounds/${round}/targets/${unit}`, { rule }),
  models: () => request<{ items: { id: string; version: string; title: string; reference_only: boolean }[] }>('GET', '/models'),
  progress: (round: string, unit?: string) => request<Progress>('GET', `/rounds/${round}/progress${q({ unit })}`),
  progressExportUrl: (round: string, unit: string, format: 'csv' | 'xlsx') =>
    `/api/v1/rounds/${round}/progress${q({ unit, format })}`,
  outstanding: (round: string, params: OutstandingFilter) =>
    request<OutstandingList>('GET', `/rounds/${round}/outstanding${q({ ...params })}`),
  outstandingExportUrl: (round: string, params: OutstandingFilter) =>
    `/api/v1/rounds/${round}/outstanding${q({ ...params, page: undefined, per_page: undefined, format: 'xlsx' })}`,
  sendReminders: (round: string, body: ReminderRequest) => request<ReminderBatch>('POST', `/rounds/${round}/reminders`, body),
  reminders: (round: string, unit?: string) =>
    request<{ mail_enabled: boolean; items: ReminderBatch[] }>('GET', `/rounds/${round}/reminders${q({ unit })}`),
  cancelReminders: (round: string, id: number) => request<ReminderBatch>('DELETE', `/rounds/${round}/reminders/${id}`),
  accounts: (params: { q?: string; role?: string; page?: number; per_page?: number }) =>
    request<{ total: number; items: Account[] }>('GET', `/users${q(params)}`),
  createAccount: (account: NewAccount) => request<{ user: Account; one_time_password: string }>('POST', '/users', account),
  setAccountDisabled: (id: number, disabled: boolean) => request<Account>('PATCH', `/users/${id}`, { disabled }),
  resetAccountPassword: (id: number) => request<{ user: Account; one_time_password: string }>('POST', `/users/${id}/password-reset`),
  registrationForm: () => request<RegistrationForm>('GET', '/registration-form'),
  register: (body: Record<string, string | number>) => request<{ message: string }>('POST', '/registrations', body),
  registrations: (state: string) => request<{ items: Registration[] }>('GET', `/registrations${q({ state })}`),
  approveRegistration: (id: number, username?: string) =>
    request<{ user: { username: string }; one_time_password: string; mailed: boolean }>('POST', `/registrations/${id}/approve`, username ? { username } : {}),
  rejectRegistration: (id: number, reason: string) => request<unknown>('POST', `/registrations/${id}/reject`, { reason }),
  notices: () => request<{ unread: number; items: Notice[] }>('GET', '/notices'),
  readNotice: (id: number) => request<unknown>('POST', `/notices/${id}/read`),
  assessments: (round: string, params: AssessmentFilter) =>
    request<{ items: AssessmentItem[]; total: number; page: number; per_page: number }>('GET', `/rounds/${round}/assessments${q({ ...params })}`),
  review: (round: string, uscc: string, decision: 'approve' | 'reject', reason?: string) =>
    request<unknown>('POST', `/rounds/${round}/enterprises/${uscc}/assessment/review`, { decision, reason }),
  units: () => request<{ items: Unit[] }>('GET', '/units'),
  industries: () => request<{ items: { code: string; name: string; group: string }[] }>('GET', '/industries'),
  productionTypes: () => request<{ items: { value: string; label: string }[] }>('GET', '/production-types'),
  updateEnterprise: (uscc: string, fields: Partial<Enterprise>) =>
    request<Enterprise>('PATCH', `/enterprises/${encodeURIComponent(uscc)}`, fields),
  enterprises: (params: { q?: string; unit?: string; industry?: string; size?: string; page?: number; per_page?: number; sort?: string }) =>
    request<{ items: Enterprise[]; total: number }>('GET', `/enterprises${q(params)}`),
  importEnterprises: (file: File, skipInvalid: boolean) =>
    request<{ report: ImportReport }>(
      'POST', `/enterprises/import${q({ format: fileFormat(file), skip_invalid: skipInvalid ? 'true' : undefined })}`,
      file),
  enterprise: (uscc: string) => request<Enterprise>('GET', `/enterprises/${encodeURIComponent(uscc)}`),
  diagnosis: (round: string, uscc: string) => request<Diagnosis>('GET', `/rounds/${round}/enterprises/${uscc}/diagnosis`),
  queueReportPdf: (round: string, uscc: string) =>
    request<{ job: Job }>('POST', `/rounds/${round}/enterprises/${uscc}/report.pdf`),
  assessment: (round: string, uscc: string) => request<Assessment>('GET', `/rounds/${round}/enterprises/${uscc}/assessment`),
  saveDraft: (round: string, uscc: string, answers: Record<string, Answer>, version: number) =>
    request<Assessment>('PUT', `/rounds/${round}/enterprises/${uscc}/assessment`, { answers, version }),
  // `pledged`: the submitter confirmed the round's 真实性承诺 (required when it has one).
  submit: (round: string, uscc: string, pledged = false) =>
    request<Assessment>('POST', `/rounds/${round}/enterprises/${uscc}/assessment/submit`, pledged ? { pledge: true } : undefined),
  withdraw: (round: string, uscc: string) =>
    request<Assessment>('POST', `/rounds/${round}/enterprises/${uscc}/assessment/withdraw`),
  questionnaire: (model: string, productionType: string) =>
    request<Questionnaire>('GET', `/models/${model}/questionnaire${q({ production_type: productionType })}`),
  simulate: (model: string, productionType: string, answers: Record<string, Answer>) =>
    request<Assessment['result']>('POST', `/models/${model}/score`, { production_type: productionType, answers }),
  circulars: (round: string) => request<{ items: Circular[] }>('GET', `/rounds/${round}/circulars`),
  createCircular: (round: string, as_of: string, title?: string) =>
    request<Circular>('POST', `/rounds/${round}/circulars`, { as_of, ...(title ? { title } : {}) }),
  contacts: (round: string) => request<ContactsOverview>('GET', `/rounds/${round}/contacts`),
  unitContacts: (round: string, unit: string) =>
    request<ContactForm & { submitted: boolean; contacts_due: string | null; late: boolean }>('GET', `/rounds/${round}/contacts/${unit}`),
  putContacts: (round: string, unit: string, form: ContactForm) => request<unknown>('PUT', `/rounds/${round}/contacts/${unit}`, form),
  contactsExportUrl: (round: string, format: 'csv' | 'xlsx') => `/api/v1/rounds/${round}/contacts${q({ format })}`,
  grants: (uscc: string) =>
    request<{ items: { agency: string; agency_name: string; can_submit: boolean }[] }>('GET', `/enterprises/${uscc}/grants`),
  grant: (uscc: string, agency: string, can_submit: boolean) =>
    request<unknown>('PUT', `/enterprises/${uscc}/grants/${encodeURIComponent(agency)}`, { can_submit }),
  revoke: (uscc: string, agency: string) => request<unknown>('DELETE', `/enterprises/${uscc}/grants/${encodeURIComponent(agency)}`),
  job: (id: number) => request<Job>('GET', `/jobs/${id}`),
  // Waits for a queued job (a PDF being printed) and downloads what it made
  // under the server's name, else `fallback`; an Error when it failed.
  async downloadJobResult(job: Job, fallback: string) {
    while (job.status === 'queued' || job.status === 'running') {
      await new Promise((r) => setTimeout(r, 700))
      job = await api.job(job.id)
    }
    if (job.status !== 'done' || !job.result_url) throw new Error(job.error ?? 'PDF')
    await api.download(job.result_url, fallback)
  },
  datamap: (round: string, params: DataMapParams) => request<DataMap>('GET', `/rounds/${round}/datamap${q(params)}`),
  datamapExportUrl: (round: string, params: DataMapParams, format: 'csv' | 'xlsx') =>
    `/api/v1/rounds/${round}/datamap${q({ ...params, format })}`,
  selection: (round: string, params: SelectionParams) => request<Selection>('GET', `/rounds/${round}/selection${q(params)}`),
  selectionExportUrl: (round: string, params: SelectionParams) => `/api/v1/rounds/${round}/selection${q({ ...params, format: 'csv' })}`,
  datamapTrend: (params: DataMapParams) =>
    request<{ rounds: { code: string; name: string; year: number }[]; total: { points: (DataMapCell & { round: string })[] } }>(
      'GET', `/datamap/trend${q(params)}`),
  measures: (year?: number) =>
    request<{ items: Measure[]; kinds: { id: string; label: string }[] }>('GET', `/support-measures${q({ year })}`),
  createMeasure: (form: MeasureForm) => request<Measure>('POST', '/support-measures', form),
  measure: (id: number) => request<MeasureDetail>('GET', `/support-measures/${id}`),
  updateMeasure: (id: number, form: Omit<MeasureForm, 'unit_code'> & { version: number }) =>
    request<Measure>('PUT', `/support-measures/${id}`, form),
  deleteMeasure: (id: number) => request<unknown>('DELETE', `/support-measures/${id}`),
  addRecipients: (id: number, items: RecipientInput[]) =>
    request<{ added: number; unchanged: number }>('POST', `/support-measures/${id}/recipients`, { items }),
  importRecipients: (id: number, file: File) =>
    request<{ report: ImportReport }>('POST', `/support-measures/${id}/recipients/import${q({ format: fileFormat(file) })}`, file),
  removeRecipient: (id: number, uscc: string) =>
    request<unknown>('DELETE', `/support-measures/${id}/recipients/${encodeURIComponent(uscc)}`),
  effect: (id: number, params: EffectParams) => request<Effect>('GET', `/support-measures/${id}/effect${q(params)}`),
  effectExportUrl: (id: number, params: EffectParams) => `/api/v1/support-measures/${id}/effect${q({ ...params, format: 'xlsx' })}`,
  // 工作报告: a region's yearly work report; `unit` only for the ministry (others get their own region).
  yearlyReportUrl: (year: number, unit?: string, format?: 'docx') => `/api/v1/reports/yearly${q({ year, unit, format })}`,
  queueYearlyReportPdf: (year: number, unit?: string) =>
    request<{ job: Job; status_url: string }>('POST', `/reports/yearly/pdf${q({ year, unit })}`),
  typicalCases: (year: number) => request<{ items: TypicalCase[] }>('GET', `/typical-cases${q({ year })}`),
  putTypicalCase: (year: number, uscc: string, body: { title: string; text: string; measure_id?: number }) =>
    request<TypicalCase>('PUT', `/typical-cases/${year}/${encodeURIComponent(uscc)}`, body),
  deleteTypicalCase: (year: number, uscc: string) => request<unknown>('DELETE', `/typical-cases/${year}/${encodeURIComponent(uscc)}`),
  // Downloads need the session too: fetched as a blob and saved under the
  // name the server gives (the document's title), else `fallback`.
  async download(url: string, fallback: string) {
    const r = await fetched(url)
    const a = document.createElement('a')
    a.href = URL.createObjectURL(await r.blob())
    a.download = serverFileName(r.headers.get('Content-Disposition')) || fallback
    a.click()
    URL.revokeObjectURL(a.href)
  },
  // A page of the API (a report to read or print) in a new tab, which goes
  // with the browser's cookie session as any tab opened later does.
  openPage(url: string) {
    window.open(url, '_blank', 'noopener')
  },
  // The diagnosis report's own charts (drawn by the server, the same images
  // as in the report), as object URLs for <img>; revoke them when done.
  chartImage: (round: string, uscc: string, chart: 'radar' | 'key-indicators') =>
    objectUrl(`/api/v1/rounds/${round}/enterprises/${uscc}/charts/${chart}.svg`),
}

// An uploaded table's format, by its name: Excel or CSV.
const fileFormat = (file: File) => (file.name.toLowerCase().endsWith('.xlsx') ? 'xlsx' : 'csv')

// A resource fetched with the session; ApiError when it is not there,
// with the server's message when it gave one.
async function fetched(url: string): Promise<Response> {
  const r = await fetch(url, { headers: token ? { Authorization: `Bearer ${token}` } : {} })
  if (r.ok) return r
  let e: { code?: string; message?: string; field?: string } = {}
  try {
    e = (await r.json()).error ?? {}
  } catch {
    // not JSON: the status says it
  }
  throw new ApiError(r.status, e.code ?? 'download', e.message ?? `${t('downloadFailed')}（${r.status}）`, e.field ?? '')
}

// A resource fetched with the session, as an object URL.
async function objectUrl(url: string): Promise<string> {
  return URL.createObjectURL(await (await fetched(url)).blob())
}

// The UTF-8 file name of a Content-Disposition (RFC 5987 filename*); '' when none.
function serverFileName(disposition: string | null): string {
  const encoded = /filename\*=UTF-8''([^;\s]+)/i.exec(disposition ?? '')?.[1]
  if (!encoded) return ''
  try {
    return decodeURIComponent(encoded)
  } catch {
    return ''
  }
}
