"""The interface's text in Chinese and English (the notes themselves are shown as written)."""

from __future__ import annotations

from collections.abc import Callable

LANGUAGES = ("zh", "en")

# key: (中文, English)
TEXT: dict[str, tuple[str, str]] = {
    "app.tagline": ("面试口语教练", "Oral interview coach"),
    "nav.home": ("首页", "Home"),
    "nav.bank": ("题库", "Bank"),
    "nav.drill": ("练习", "Drill"),
    "nav.interview": ("模拟面试", "Mock interview"),
    "nav.progress": ("进度", "Progress"),
    "nav.settings": ("设置", "Settings"),
    "nav.switch": ("English", "中文"),
    "home.title": ("今天", "Today"),
    "home.due": ("待复习", "Due now"),
    "home.new": ("可学新题", "New available"),
    "home.days_left": ("距面试", "Until the interview"),
    "home.days": ("天", "days"),
    "home.no_date": ("未设置面试日期", "No interview date set"),
    "home.set_date": ("设置日期", "Set the date"),
    "home.readiness": ("整体掌握度", "Overall readiness"),
    "home.readiness_hint": (
        "全部可评分题目当前的平均回忆概率（未学过的计 0）",
        "Mean predicted recall of every gradable question now (unstudied count as 0)",
    ),
    "home.on_day": ("若不再复习，面试当天约为", "On the interview day, with no more reviews"),
    "home.weakest": ("最薄弱的三个部分", "The three weakest sections"),
    "home.start_drill": ("开始练习", "Start a drill"),
    "home.start_interview": ("开始模拟面试", "Start a mock interview"),
    "home.recent": ("最近的模拟面试", "Recent mock interviews"),
    "home.none_yet": ("还没有记录。", "Nothing yet."),
    "home.reviews_today": ("今天已复习", "Reviewed today"),
    "home.studied": ("已学", "studied"),
    "home.studied_of": ("已学 {done}/{total} 题", "{done} of {total} questions studied"),
    "bank.title": ("题库", "Question bank"),
    "bank.sections": ("章节", "Sections"),
    "bank.all": ("全部", "All"),
    "bank.search": ("搜索题目与答案…", "Search questions and answers…"),
    "bank.results": ("道题", "question|questions"),
    "bank.no_results": ("没有找到匹配的题目。", "No question matches."),
    "bank.no_reference": ("（笔记中还没有答案）", "(no answer in the note yet)"),
    "bank.import": ("导入笔记", "Import notes"),
    "bank.import_help": (
        "上传 Markdown / Obsidian 笔记（.md、.txt）或整个仓库的 .zip 压缩包。",
        "Upload Markdown / Obsidian notes (.md, .txt) or a whole vault as a .zip.",
    ),
    "bank.bank_name": ("导入到题库", "Into the bank"),
    "bank.upload": ("上传并导入", "Upload and import"),
    "bank.report": ("导入结果", "Import report"),
    "bank.added": ("新增", "added"),
    "bank.updated": ("更新", "updated"),
    "bank.retired": ("移除", "retired"),
    "bank.unchanged": ("未变", "unchanged"),
    "bank.warnings": ("提示", "Warnings"),
    "bank.skipped": ("跳过的文件", "Skipped files"),
    "bank.imported_total": ("题库中现有题目", "questions now in the bank"),
    "bank.imported_before": ("题库中现有 ", ""),
    "bank.imported_after": ("道题", "question now in the bank|questions now in the bank"),
    "q.reference": ("参考答案", "Reference answer"),
    "q.key_points": ("要点", "Key points"),
    "q.source": ("来源", "Source"),
    "q.links": ("延伸", "See also"),
    "q.drill_this": ("练这道题", "Drill this question"),
    "q.id": ("编号", "id"),
    "q.unresolved": ("（未找到链接目标）", "(link target not found)"),
    "drill.title": ("练习", "Drill"),
    "drill.progress": ("待复习 {due} · 新题 {new}", "Due {due} · new {new}"),
    "drill.your_answer": ("你的回答", "Your answer"),
    "drill.placeholder": ("像面试时一样作答……", "Answer as you would to the panel…"),
    "drill.submit": ("提交评分", "Grade my answer"),
    "drill.reveal": ("不会，看答案", "I don't know: show the answer"),
    "drill.nothing": (
        "现在没有需要复习的题目，也没有剩余的新题。",
        "Nothing to drill now: no question is due and no new one is left.",
    ),
    "drill.nothing_hint": (
        "可以在“设置”里提高每天的新题数量，或明天再来。",
        "Raise the new questions per day in Settings, or come back tomorrow.",
    ),
    "drill.shortcuts": (
        "快捷键：Ctrl+Enter 提交 · 1 重来 · 2 困难 · 3 良好 · 4 简单 · Enter 接受建议",
        "Keys: Ctrl+Enter grades · 1 Again · 2 Hard · 3 Good · 4 Easy · Enter accepts the suggestion",
    ),
    "drill.reviewed": ("已记录：下次复习 {when}", "Recorded: next review {when}"),
    "grade.score": ("得分", "Score"),
    "grade.contradicted": ("答错的要点", "Points you got wrong"),
    "grade.you_said": (
        "你说“{said}”，参考答案是“{expected}”",
        "You said “{said}”; the reference says “{expected}”",
    ),
    "grade.reference_says": ("参考答案：", "The reference: "),  # the statement follows
    "grade.covered": ("答到的要点", "Points you covered"),
    "grade.partial": ("部分答到", "Partly covered"),
    "grade.missed": ("遗漏的要点", "Points you missed"),
    "grade.read": ("参考：", "Read: "),  # the reference sentence follows
    "grade.your_answer": ("你的回答（高亮为依据）", "Your answer (evidence highlighted)"),
    "grade.your_answer_wrong": (
        "你的回答（绿色为依据，红色为答错之处）",
        "Your answer (evidence in green, wrong statements in red)",
    ),
    "grade.suggested": ("建议评分", "Suggested rating"),
    "cmp.title": ("对照参考答案", "Your answer beside the reference"),
    "cmp.answer": ("你的回答", "Your answer"),
    "cmp.reference": ("参考答案", "Reference answer"),
    "cmp.legend": ("标记：", "Marks:"),
    "cmp.covered": ("答到", "covered"),
    "cmp.partly": ("部分答到", "partly"),
    "cmp.missed": ("遗漏", "missed"),
    "cmp.contradicted": ("答错", "wrong"),
    "cmp.point": ("要点 {n}", "key point {n}"),
    "cmp.not_located": (
        "这些要点在参考答案的原文中没有找到对应句子：",
        "These key points are not found word for word in the reference text:",
    ),
    "cmp.no_answer": ("（没有作答）", "(no answer)"),
    "grade.rate": ("选择评分", "Your rating"),
    "rating.1": ("重来", "Again"),
    "rating.2": ("困难", "Hard"),
    "rating.3": ("良好", "Good"),
    "rating.4": ("简单", "Easy"),
    "flag.no_answer": ("没有作答", "No answer"),
    "flag.off_topic": ("答非所问", "Off topic"),
    "flag.repeats_question": ("只是重复了题目", "Only repeats the question"),
    "flag.too_short": ("太短", "Far too short"),
    "flag.too_long": ("太长", "Far too long"),
    "flag.truncated": ("回答过长，已截断", "Answer truncated"),
    "flag.other_language": (
        "作答语言与参考答案不同（仍按内容评分）",
        "Not in the reference's language (still graded on content)",
    ),
    "iv.last_points": ("要点", "Key points"),
    "iv.title": ("模拟面试", "Mock interview"),
    "iv.choose": ("选择面试流程", "Choose a plan"),
    "iv.minutes": ("总时长（分钟，可选）", "Total minutes (optional)"),
    "iv.lang": ("追问语言", "Follow-up language"),
    "iv.lang_auto": ("随题目", "As the question"),
    "iv.start": ("开始", "Start"),
    "iv.stages": ("环节", "Stages"),
    "iv.question_n": ("第 {n} 题", "Question {n}"),
    "iv.follow_up": ("追问", "Follow-up"),
    "iv.time_left": ("剩余时间", "Time left"),
    "iv.time_up": (
        "时间到，已提交你写下的内容。",
        "Time is up: what you wrote has been submitted.",
    ),
    "iv.answer": ("提交回答", "Submit answer"),
    "iv.mute": ("静音", "Mute"),
    "iv.unmute": ("朗读题目", "Read aloud"),
    "iv.speak_again": ("再读一遍", "Read it again"),
    "iv.last": ("上一题得分", "Last answer"),
    "iv.report": ("面试报告", "Interview report"),
    "iv.overall": ("总分", "Overall"),
    "iv.per_stage": ("各环节得分", "Score per stage"),
    "iv.weakest": ("最薄弱的话题", "Weakest topics"),
    "iv.review_next": ("建议接下来复习", "Review next"),
    "iv.turns": ("问答记录", "Questions and answers"),
    "iv.seconds": ("用时 {used} / {allowed} 秒", "{used} of {allowed} s"),
    "iv.history": ("历史记录", "History"),
    "iv.scope": ("题目范围", "Questions from"),
    "iv.conflict": ("这场面试已在另一个标签页中继续了。", "This interview went on in another tab."),
    "progress.title": ("进度", "Progress"),
    "progress.plan": ("到面试日的计划", "The plan to the interview"),
    "progress.date": ("面试日期", "Interview date"),
    "progress.save_date": ("保存日期", "Save the date"),
    "progress.set_date_first": (
        "设置面试日期后，这里会给出每天的复习量和预测的掌握度。",
        "Set the interview date to see the daily load and the forecast recall.",
    ),
    "progress.forecast": (
        "按计划复习，面试当天预计回忆 {with_plan}（不再复习则为 {stopped}）；平均每天 {per_day} 次复习，{new} 道新题。",
        "With the plan, recall on the day {with_plan} (with no more reviews {stopped}); about {per_day} reviews and {new} new questions a day.",
    ),
    "progress.daily_load": ("每日复习量", "Reviews per day (plan)"),
    "progress.recall": ("各部分回忆率", "Recall per section"),
    "progress.forecast_recall": (
        "面试当天各部分的预测回忆率",
        "Forecast recall per section on the interview day",
    ),
    "progress.forecast_recall_help": (
        "按上面的计划复习到面试那天，每个部分预计能答上来的比例。",
        "If you review as planned until the interview, the share of each section you are expected to recall on the day.",
    ),
    "progress.today_recall": ("今天各部分的回忆率", "Recall per section today"),
    "progress.today_recall_help": (
        "此刻每个部分的平均回忆概率；没学过的题计为 0。",
        "Each section's mean chance of recall right now; questions never studied count as 0.",
    ),
    "progress.reviews": ("最近 30 天复习次数", "Reviews per day, last 30 days"),
    "progress.trend": ("模拟面试得分趋势", "Mock-interview score trend"),
    "progress.retention": (
        "实际保持率 {achieved}（目标 {desired}）",
        "Retention achieved {achieved} (target {desired})",
    ),
    "progress.no_data": ("还没有数据。", "No data yet."),
    "settings.title": ("设置", "Settings"),
    "settings.interview_date": ("面试日期", "Interview date"),
    "settings.retention": ("目标保持率（0.70–0.99）", "Desired retention (0.70–0.99)"),
    "settings.retention_help": ("越高，复习越频繁。", "Higher means more frequent reviews."),
    "settings.new_per_day": ("每天新题数", "New questions per day"),
    "settings.daily_goal": ("每日目标（题数，0 为不设）", "Daily goal (questions; 0: none)"),
    "settings.reviews_per_day": (
        "每天最多复习（0 为不限）",
        "Reviews per day at most (0: no limit)",
    ),
    "settings.language": ("界面语言", "Interface language"),
    "settings.save": ("保存", "Save"),
    "settings.saved": ("已保存。", "Saved."),
    "error.title": ("出错了", "Something went wrong"),
    "error.back": ("返回首页", "Back to the home page"),
    "error.not_found": ("页面不存在", "Page not found"),
    "error.general": ("请求没有完成。", "The request was not completed."),
    "error.detail": ("技术细节", "Technical detail"),
    "guard.host": (
        "这个服务器不响应这个主机名。",
        "this server does not answer to that host name",
    ),
    "guard.host.hint": (
        "请用 http://127.0.0.1 访问；其他名称需在 VIVA_ALLOWED_HOSTS 中列出。",
        "open it as http://127.0.0.1; other names must be listed in VIVA_ALLOWED_HOSTS",
    ),
    "guard.token": (
        "表单的安全令牌缺失或已过期。",
        "the form's security token is missing or out of date",
    ),
    "guard.token.hint": (
        "请刷新页面后重试；来自其他网站的请求会被拒绝。",
        "reload the page and try again; requests from other sites are refused",
    ),
    "guard.no_origin": (
        "请求没有说明来源（Origin），已拒绝。",
        "a request without its Origin was refused",
    ),
    "guard.no_origin.hint": (
        "请在本应用的页面中操作；脚本需发送与服务器相同的 Origin 请求头。",
        "use the app's pages; a script must send an Origin header equal to the server's",
    ),
    "guard.cross_site": ("来自其他网站的请求已被拒绝。", "a request from another site was refused"),
    "guard.cross_site.hint": (
        "请直接在本应用的页面中操作。",
        "use the app's own pages; other sites cannot act on it",
    ),
    "guard.body": ("请求超过了 {limit} 的上限。", "the request is larger than {limit}"),
    "guard.upload": ("上传超过了 {limit} 的上限。", "the upload is over {limit}"),
    "guard.upload.hint": (
        "请少传一些文件，或提高 VIVA_MAX_UPLOAD_MB。",
        "upload fewer files, or raise VIVA_MAX_UPLOAD_MB",
    ),
    "guard.body.hint": (
        "回答只评前 20000 字；上传文件的上限由 VIVA_MAX_UPLOAD_MB 设置。",
        "an answer is graded on its first 20,000 characters; uploads: VIVA_MAX_UPLOAD_MB",
    ),
    "common.questions": ("题", "questions"),
    # --- counts (one|other: English chooses by n) ---
    "count.questions": ("{n} 道题", "{n} question|{n} questions"),
    "count.notes": ("{n} 篇笔记", "{n} note|{n} notes"),
    "count.days": ("{n} 天", "{n} day|{n} days"),
    "count.minutes": (
        "答题时间约 {n} 分钟（不含追问）",
        "about {n} minute of answers (follow-ups extra)|about {n} minutes of answers (follow-ups extra)",
    ),
    "count.warnings": ("{n} 条提示", "{n} warning|{n} warnings"),
    "count.skipped": ("{n} 个文件", "{n} file|{n} files"),
    "count.stage": ("{count} 题 × {seconds} 秒", "{count} × {seconds} s"),
    # --- scope: what to practise ---
    "scope.title": ("练习范围", "What to practise"),
    "scope.everything": ("全部题库的全部部分", "Every section of every bank"),
    "scope.all_sections": ("全部部分", "every section"),
    "scope.change": ("更改范围", "Change"),
    "scope.banks": ("题库（不选则为全部）", "Banks (none ticked: all)"),
    "scope.sections": ("部分（不选则为全部）", "Sections (none ticked: all)"),
    "scope.save": ("保存范围", "Save the choice"),
    "scope.reset": ("练全部", "Practise everything"),
    "scope.one_off": (
        "只练这一部分（不改变保存的范围）",
        "This section only (the saved choice stays)",
    ),
    "scope.practise_section": ("练这个部分", "Practise this section"),
    "scope.practise_short": ("练", "Drill"),
    "scope.builtin": ("内置题库", "built-in bank"),
    "scope.off": ("已关闭", "turned off"),
    "scope.turn_off": ("关闭", "Turn off"),
    "scope.turn_on": ("打开", "Turn on"),
    "scope.bank_list": ("题库列表", "Banks"),
    # --- daily loop ---
    "daily.goal": ("今日目标", "Today's goal"),
    "daily.progress": ("今天已练 {done}/{goal} 题", "{done} of {goal} questions today"),
    "daily.no_goal": ("今天已练 {done} 题", "{done} questions today"),
    "daily.met": ("今天的目标已完成！", "Today's goal is met!"),
    "daily.streak": ("连续达标", "Streak"),
    "daily.streak_days": ("{n} 天", "{n} day|{n} days"),
    "daily.limit_reached": (
        "今天的新题已学完（上限 {limit}）",
        "Today's new questions are done (limit {limit})",
    ),
    "daily.unlearned": (
        "还有 {n} 道题没学过。",
        "{n} question has not been studied yet.|{n} questions have not been studied yet.",
    ),
    "daily.learn_more": ("今天再学 {n} 道", "Learn {n} more today"),
    "daily.learn_more_hint": (
        "只提高今天的上限；明天仍按设置里的每天新题数。",
        "Raises today's limit only; tomorrow the daily number in Settings applies again.",
    ),
    "daily.all_learned": (
        "这个范围里的题都学过了。",
        "Every question in this choice has been studied.",
    ),
    "start.title": ("从这里开始", "How to start"),
    "start.lead": (
        "Viva 用你的笔记出题、评分、安排复习。有两种开始方式：",
        "Viva drills you on your own notes, grades your answers and schedules reviews. Two ways to start:",
    ),
    "start.import": ("1. 导入你的笔记（推荐）", "1. Import your notes (recommended)"),
    "start.import_help": (
        "Markdown / Obsidian 笔记里的题目和答案会变成你自己的题库，面试前练的就是你准备的内容。",
        "The questions and answers in your Markdown / Obsidian notes become your own bank: you practise what you prepared.",
    ),
    "start.builtin": ("2. 先练内置题库", "2. Practise the built-in bank first"),
    "start.builtin_help": (
        "内置 {n} 道常见复试与技术面试题（自我介绍、数学、计算机基础、机器学习、英文问答……），可以随时和你的笔记一起练。",
        "{n} common interview questions (self-introduction, mathematics, CS fundamentals, machine learning, English questions…), beside your notes whenever you like.",
    ),
    "start.builtin_button": ("练内置题库", "Practise the built-in bank"),
    "start.next": ("导入完成。接下来：", "Imported. Next:"),
    "start.drill_bank": ("练这个题库", "Drill this bank"),
    "common.cancel": ("取消", "Cancel"),
    "mic.record": ("语音作答", "Answer aloud"),
    "mic.stop": ("停止录音", "Stop recording"),
    "mic.transcribing": ("正在识别……", "Transcribing…"),
    "mic.edit": ("识别结果可修改后再提交。", "Edit the transcript before grading if needed."),
    "mic.denied": ("无法使用麦克风。", "The microphone is not available."),
    "delivery.title": ("表达", "Delivery"),
    "delivery.apart": (
        "（只反映说得怎么样，不计入内容得分）",
        "(how it sounded; not part of the content score)",
    ),
    "delivery.duration": ("时长", "Duration"),
    "delivery.rate": ("语速", "Speaking rate"),
    "delivery.per_min_chars": ("字/分钟", "characters per minute"),
    "delivery.per_min_words": ("词/分钟", "words per minute"),
    "delivery.pauses": ("超过 2 秒的停顿", "Pauses over 2 s"),
    "delivery.longest": ("最长", "longest"),
    "delivery.fillers": ("口头禅", "Fillers"),
    "delivery.none": ("无", "none"),
    "delivery.over": ("超时", "Over time"),
}


def translator(lang: str) -> Callable[..., str]:
    """`t(key, **values)` in `lang` (English when the key has no such language).

    A text written "one|other" is a count: `n` chooses the form ("1 note", "2 notes").
    """
    index = 1 if lang == "en" else 0

    def t(key: str, **values: object) -> str:
        pair = TEXT.get(key)
        if pair is None:
            return key
        text = pair[index]
        if "|" in text and "n" in values:
            one, other = text.split("|", 1)
            text = one if values["n"] == 1 else other
        return text.format(**values) if values else text

    return t


# The built-in interview plans' titles and stage names in both languages (a plan of the
# student's own is shown as written). Reports store stage names as they were asked.
PLAN_TITLES: dict[str, tuple[str, str]] = {
    "kaoyan-cs": ("计算机考研复试", "Computer science graduate re-examination"),
    "tech-job": ("技术岗面试", "Technical job interview"),
}
STAGE_NAMES: tuple[tuple[str, str], ...] = (
    ("自我介绍", "Self-introduction"),
    ("英文问答", "Questions in English"),
    ("基本情况", "Background"),
    ("专业知识", "Subject knowledge"),
    ("项目经历", "Projects"),
    ("科研规划", "Research plans"),
    ("计算机基础", "Computer science fundamentals"),
    ("机器学习与大模型", "Machine learning and large models"),
)


def plan_title(name: str, title: str, lang: str) -> str:
    """A plan's title in `lang` (a built-in plan's), else as its file writes it."""
    pair = PLAN_TITLES.get(name)
    return title if pair is None else pair[1 if lang == "en" else 0]


def stage_name(name: str, lang: str) -> str:
    """A built-in stage's name in `lang`; any other name as written."""
    for pair in STAGE_NAMES:
        if name in pair:
            return pair[1 if lang == "en" else 0]
    return name
