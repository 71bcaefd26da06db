// 简体中文 first, English on request; the choice is remembered.
import { ref } from 'vue'

const zh = {
  app: '融评 · 两化融合评估诊断和对标引导', appShort: '融评',
  login: '登录', username: '用户名', password: '密码', logout: '退出', expired: '登录已过期，请重新登录',
  menu: '菜单', answeredShare: '已答题目比例', groupBy: '分组方式', perPage: '每页条数', perPageOption: '{n} 条/页', selection: '政策遴选',
  minStage: '最低发展阶段', minTotal: '最低总分', mustHave: '须具备', anyStage: '不限阶段', matched: '符合条件 {n} 家',
  truncatedNote: '仅列出总分最高的 {n} 家', selectionNote: '按评估结果遴选本地区企业，作为政策支持、试点示范的参考（评估结果与优惠政策支持相结合）。', exportList: '导出名单',
  rounds: '评估周期', newRound: '新建评估周期', edit: '编辑', code: '代码', year: '年度', models: '评估模型', opensOn: '开始日期',
  closesOn: '截止日期', deadline: '目标完成日期', contactsDue: '联系人表报送日期', reviewRequired: '需要审核', completionRule: '完成评估数',
  countsSubmitted: '上报即计入', countsApproved: '审核通过才计入', entriesRule: '计数单位', perEnterprise: '每家企业计一条',
  perAssessment: '每份答卷计一条', provinceCode: '省级单位代码', targets: '各地目标（完成评估数）', setTarget: '设定', targetSaved: '目标已保存',
  roundSaved: '评估周期已保存',
  myResult: '我的评估结果', progress: '评估进度', review: '审核', outstanding: '督办',
  outstandingHint: '本评估周期尚未完成填报的企业和超过期限仍待审核的答卷，附企业联系人，可导出为 Excel 逐一联系。', waitingDays: '待审核超过（天）', since: '最近变动', contact: '联系人', allKinds: '全部事项', kind: '督办事项', nothingOutstanding: '没有需要督办的企业', enterprises: '企业', dataMap: '数据地图',
  changePassword: '修改密码', currentPassword: '当前密码', newPassword: '新密码', save: '保存', saved: '已保存',
  round: '评估周期', unit: '属地', participating: '参与评估数', completed: '完成评估数', target: '目标',
  rate: '完成率', rank: '排名', gap: '差距', pace: '按进度应完成', total: '合计', export: '导出',
  approve: '通过', reject: '退回', reason: '退回原因', reasonRequired: '请填写退回原因', noneToReview: '暂无待审核的评估',
  score: '总分', stage: '发展阶段', peers: '对标组', nationalPeers: '全国同行业、同规模', regionalPeers: '本地区对标组', peerMean: '均值', sameIndustrySize: '同行业、同规模', percentile: '百分位', keyIndicators: '关键指标',
  priorities: '改进重点', nextStage: '迈向下一阶段', history: '历年评估', status: '状态', downloadPdf: '下载 PDF 报告',
  pdfQueued: '正在生成 PDF…', search: '按名称或统一社会信用代码搜索', name: '企业名称', uscc: '统一社会信用代码',
  size: '规模', productionType: '生产类型', revenue: '主营业务收入（万元）', notFound: '未找到',
  indicator: '指标', meanLevel: '平均发展水平', withheld: '企业数不足，不予显示', schematic: '示意图',
  enterpriseValue: '本企业', radarChart: '各维度得分与对标组雷达图', keyIndicatorChart: '关键指标与对标组对比', english: 'English', chinese: '中文',
  fillIn: '填报评估', profile: '企业信息', simulate: '模拟改进（不保存）', conflict: '答卷已在别处修改，请重新载入后再改', reload: '重新载入',
  locked: '答卷已提交或已审核，不能修改', saving: '正在保存…', submitAssessment: '提交评估',
  industry: '行业', employees: '从业人员（人）', address: '地址', contactPhone: '联系电话',
  grants: '服务机构授权', agency: '服务机构账号', canSubmit: '可代为提交', grantAction: '授权', revokeAction: '撤销', fillInFor: '代为填报',
  contacts: '联系人表', leader: '工作负责人', liaison: '工作联系人', platform_admin: '省级评估服务分平台管理员',
  personName: '姓名', departmentTitle: '部门及职务', phone: '电话', fax: '传真', mobile: '手机', email: '电子邮件',
  submitForm: '提交', submittedUnits: '已报送', missingUnits: '未报送', due: '报送截止', late: '逾期',
  importFile: '导入企业', importHint: 'CSV（UTF-8 或 GBK）或 Excel，表头同导出文件；有错误的行会逐行列出。',
  skipInvalid: '只导入正确的行', row: '行', column: '列', why: '原因', inserted: '新增', updated: '更新', unchanged: '未变',
  rowsSkipped: '行有误已跳过', rowsInvalid: '行有误，未导入任何数据',
  stageDistribution: '发展阶段分布', trendOfLevel: '平均发展水平历年趋势',
  circulars: '通报', asOf: '截至日期', title: '标题', generate: '生成通报', createdBy: '生成人', download: '下载',
  industryGroup: '行业大类', ownership: '所有制', enterpriseCount: '企业数（家）', high: '高', low: '低',
  drillHint: '点击地图上的地区，可查看该地区按行业、规模等的分布。', yes: '是', no: '否',
  priorityTitle: '{n}. {title}（{score}，距 P75 {gap}）', reportFile: '诊断报告', requestFailed: '请求失败',
  downloadFailed: '下载失败', sizeLarge: '大型', sizeMedium: '中型', sizeSmall: '小型', sizeMicro: '微型',
  countingSubmitted: '注：参与评估数指系统中有评估记录的{entry}，完成评估数指完成评估获得评分并在系统中上报的（含待审核和审核通过，不含退回修改的）{entry}。',
  countingApproved: '注：参与评估数指系统中有评估记录的{entry}，完成评估数指完成评估获得评分并在系统中上报、且经审核通过的{entry}。',
  countingPerEnterprise: '企业数（每家企业只计一次）', countingPerAssessment: '评估条目数（一家企业的每份答卷各计一条）',
  confirmSubmit: '提交后答卷将交主管部门审核，审核期间不能修改（审核前可撤回）。确定提交吗？', confirm: '确定', cancel: '取消',
  pledgeTitle: '真实性承诺', pledgeAgree: '我已阅读并承诺以上内容', pledgeConfirmed: '真实性承诺：已由 {name} 于 {at} 确认', pledge: '真实性承诺（提交前须确认，留空则不要求）',
  submittedToast: '已提交，等待审核', withdraw: '撤回答卷', confirmWithdraw: '撤回后答卷回到草稿，修改后须再次提交。确定撤回吗？',
  withdrawnToast: '已撤回，可以继续修改', assessmentStatus: '答卷状态', roundClosedNotice: '本评估周期已截止，答卷只能查看',
  startFilling: '开始填报', noAssessmentYet: '本评估周期尚未填报答卷。',
  find: '查询', allStatuses: '全部状态', statusSubmitted: '待审核', statusApproved: '已通过', statusRejected: '已退回', statusDraft: '草稿',
  allUnits: '全部属地', allIndustries: '全部行业', allStages: '全部阶段', submittedOn: '提交日期', from: '起', to: '止',
  searchEnterprise: '企业名称或统一社会信用代码', view: '查看', approveSelected: '批量通过（{n}）',
  confirmApprove: '确定通过“{name}”的答卷吗？通过后计入完成评估数。', confirmApproveMany: '确定通过选中的 {n} 份答卷吗？',
  approvedToast: '已通过', rejectedToast: '已退回，企业将看到退回原因', approvedMany: '已通过 {ok} 份', failedMany: '{n} 份未能通过：{why}',
  answers: '答卷', consistency: '逻辑校验', noIssues: '未发现前后矛盾', unanswered: '未作答', submittedAt: '提交时间',
}
const en: typeof zh = {
  app: 'rongping · IT–industry integration assessment', appShort: 'rongping',
  login: 'Log in', username: 'User name', password: 'Password', logout: 'Log out', expired: 'Your session expired; please log in again',
  menu: 'Menu', answeredShare: 'Share of questions answered', groupBy: 'Group by', perPage: 'Rows per page',
  perPageOption: '{n} per page', selection: 'Policy selection', minStage: 'Lowest stage', minTotal: 'Lowest score',
  mustHave: 'Must have', anyStage: 'Any stage', matched: '{n} enterprises match',
  truncatedNote: 'only the {n} with the highest scores are listed',
  selectionNote: 'Enterprises of your region chosen by their results, for policy support, pilots and demonstrations.',
  exportList: 'Export list', rounds: 'Rounds', newRound: 'New round', edit: 'Edit', code: 'Code', year: 'Year',
  models: 'Models', opensOn: 'Opens', closesOn: 'Closes', deadline: 'Target date', contactsDue: 'Contacts due',
  reviewRequired: 'Review required', completionRule: 'Completed means', countsSubmitted: 'submitted',
  countsApproved: 'approved', entriesRule: 'Counted per', perEnterprise: 'enterprise', perAssessment: 'assessment',
  provinceCode: 'Province code', targets: 'Targets by unit (completed)', setTarget: 'Set',
  targetSaved: 'Target saved', roundSaved: 'Round saved',
  myResult: 'My result', progress: 'Progress', review: 'Review', outstanding: 'Follow-up',
  outstandingHint: 'Enterprises that have not finished this round, and submissions waiting for review too long, with their contacts; export to Excel to call them one by one.', waitingDays: 'Waiting over (days)', since: 'Last change', contact: 'Contact', allKinds: 'All kinds', kind: 'Outstanding', nothingOutstanding: 'Nothing outstanding', enterprises: 'Enterprises', dataMap: 'Data map',
  changePassword: 'Change password', currentPassword: 'Current password', newPassword: 'New password', save: 'Save', saved: 'Saved',
  round: 'Round', unit: 'Unit', participating: 'Participating', completed: 'Completed', target: 'Target',
  rate: 'Rate', rank: 'Rank', gap: 'Gap', pace: 'Expected by today', total: 'Total', export: 'Export',
  approve: 'Approve', reject: 'Reject', reason: 'Reason', reasonRequired: 'A reason is required', noneToReview: 'Nothing to review',
  score: 'Score', stage: 'Stage', peers: 'Peers', nationalPeers: 'National peers (same industry and size)', regionalPeers: 'Regional peers', peerMean: 'Mean', sameIndustrySize: ': same industry and size', percentile: 'Percentile', keyIndicators: 'Key indicators',
  priorities: 'Priorities', nextStage: 'Next stage', history: 'History', status: 'Status', downloadPdf: 'Download PDF report',
  pdfQueued: 'Rendering the PDF…', search: 'Search by name or code', name: 'Name', uscc: 'Credit code',
  size: 'Size', productionType: 'Production type', revenue: 'Revenue (10k yuan)', notFound: 'Not found',
  indicator: 'Indicator', meanLevel: 'Mean level', withheld: 'Too few enterprises to show', schematic: 'Schematic',
  enterpriseValue: 'This enterprise', radarChart: 'Dimension scores against peers (radar)', keyIndicatorChart: 'Key indicators against peers', english: 'English', chinese: '中文',
  fillIn: 'Questionnaire', profile: 'Company profile', simulate: 'What-if (not saved)', conflict: 'Changed elsewhere; reload before editing', reload: 'Reload',
  locked: 'Submitted or reviewed: read only', saving: 'Saving…', submitAssessment: 'Submit',
  industry: 'Industry', employees: 'Employees', address: 'Address', contactPhone: 'Contact phone',
  grants: 'Agency access', agency: 'Agency account', canSubmit: 'May submit', grantAction: 'Grant', revokeAction: 'Revoke', fillInFor: 'Fill in',
  contacts: 'Contacts', leader: 'Leader', liaison: 'Liaison', platform_admin: 'Platform admin',
  personName: 'Name', departmentTitle: 'Department and title', phone: 'Phone', fax: 'Fax', mobile: 'Mobile', email: 'Email',
  submitForm: 'Submit', submittedUnits: 'Submitted', missingUnits: 'Missing', due: 'Due', late: 'Late',
  importFile: 'Import', importHint: 'CSV (UTF-8 or GBK) or Excel with the export\'s header; every invalid row is listed.',
  skipInvalid: 'Import only the valid rows', row: 'Row', column: 'Column', why: 'Why', inserted: 'Added', updated: 'Updated', unchanged: 'Unchanged',
  rowsSkipped: 'invalid rows skipped', rowsInvalid: 'invalid rows; nothing imported',
  stageDistribution: 'Stages', trendOfLevel: 'Mean level by year',
  circulars: 'Circulars', asOf: 'As of', title: 'Title', generate: 'Generate', createdBy: 'By', download: 'Download',
  industryGroup: 'Industry group', ownership: 'Ownership', enterpriseCount: 'Enterprises', high: 'High', low: 'Low',
  drillHint: 'Click a region on the map to see it broken down by industry, size and more.', yes: 'Yes', no: 'No',
  priorityTitle: '{n}. {title} ({score}; {gap} below P75)', reportFile: 'diagnosis-report', requestFailed: 'Request failed',
  downloadFailed: 'Download failed', sizeLarge: 'Large', sizeMedium: 'Medium', sizeSmall: 'Small', sizeMicro: 'Micro',
  countingSubmitted: 'Participating counts {entry} with an assessment record; completed counts {entry} scored and submitted (awaiting review or approved, not sent back).',
  countingApproved: 'Participating counts {entry} with an assessment record; completed counts {entry} scored, submitted and approved.',
  countingPerEnterprise: 'enterprises (each once)', countingPerAssessment: 'assessments (each of an enterprise\'s questionnaires)',
  confirmSubmit: 'Once submitted, the answers go to review and cannot be changed (you may withdraw before review). Submit?', confirm: 'OK', cancel: 'Cancel',
  pledgeTitle: 'Pledge of authenticity', pledgeAgree: 'I have read and make this pledge', pledgeConfirmed: 'Pledge of authenticity confirmed by {name} at {at}', pledge: 'Pledge of authenticity (confirmed before submitting; empty for none)',
  submittedToast: 'Submitted; awaiting review', withdraw: 'Withdraw', confirmWithdraw: 'Withdrawing makes the answers a draft again; submit again when done. Withdraw?',
  withdrawnToast: 'Withdrawn; you may edit again', assessmentStatus: 'Status', roundClosedNotice: 'This round has closed; the answers are read only',
  startFilling: 'Start the questionnaire', noAssessmentYet: 'No answers yet in this round.',
  find: 'Search', allStatuses: 'All statuses', statusSubmitted: 'Awaiting review', statusApproved: 'Approved', statusRejected: 'Returned', statusDraft: 'Draft',
  allUnits: 'All units', allIndustries: 'All industries', allStages: 'All stages', submittedOn: 'Submitted', from: 'From', to: 'To',
  searchEnterprise: 'Name or credit code', view: 'View', approveSelected: 'Approve selected ({n})',
  confirmApprove: 'Approve the answers of “{name}”? They will count as completed.', confirmApproveMany: 'Approve the {n} selected?',
  approvedToast: 'Approved', rejectedToast: 'Returned; the enterprise will see the reason', approvedMany: '{ok} approved', failedMany: '{n} not approved: {why}',
  answers: 'Answers', consistency: 'Consistency checks', noIssues: 'No contradictions found', unanswered: 'Not answered', submittedAt: 'Submitted at',
}

export const locale = ref<'zh' | 'en'>((localStorage.getItem('rp_locale') as 'zh' | 'en') ?? 'zh')
export const t = (key: keyof typeof zh) => (locale.value === 'en' ? en : zh)[key]
export function toggleLocale() {
  locale.value = locale.value === 'zh' ? 'en' : 'zh'
  localStorage.setItem('rp_locale', locale.value)
}

// Numbers as Chinese officials write them: thousands separators, fixed decimals.
// A stored instant (UTC) as officials read it: China's date and time, "2016-06-21 12:21".
export const chinaTime = (iso: string | null) =>
  iso ? new Date(iso).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }).replace(/\//g, '-') : '—'
export const num = (v: number | null | undefined, digits = 1) =>
  v === null || v === undefined || Number.isNaN(v) ? '—' : v.toLocaleString('zh-CN', { minimumFractionDigits: digits, maximumFractionDigits: digits })
export const percent = (rate: number | null | undefined) => (rate === null || rate === undefined ? '—' : `${num(rate * 100)}%`)

// The size classes (统计上大中小微型企业划分办法) as the API names them, for filters.
export const sizeClasses = () => [
  { value: 'large', label: t('sizeLarge') },
  { value: 'medium', label: t('sizeMedium') },
  { value: 'small', label: t('sizeSmall') },
  { value: 'micro', label: t('sizeMicro') },
]

// A text with {name} placeholders filled in.
export const fill = (text: string, values: Record<string, string | number>) =>
  text.replace(/\{(\w+)\}/g, (_, k: string) => String(values[k] ?? ''))
