"""Messages the lower layers write in English (import problems, errors), in the interface's
language.

The importer and the service word their messages for the CLI and the API, in English, with the
offending values in them. The web pages and the terminal show them in Chinese too: each known
message is a pattern whose values are carried over into a Chinese sentence. On a web page, a
message no pattern knows is shown as a general sentence in the interface's language, with the
original beside it as a detail (`localised` says which it is), so a screen is never half one
language by accident; the terminal prints it as it is, its label in English with it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# (English pattern, Chinese template): the named groups are carried over as written.
_Table = tuple[tuple[re.Pattern[str], str], ...]
_ZH: _Table = tuple(
    (re.compile(pattern, re.DOTALL), template)
    for pattern, template in (
        # --- accounts (service.accounts, service.users) ---
        (r"the account name or the password is wrong", "账号名或密码不正确"),
        (
            r"names and passwords are case-sensitive",
            "区分大小写；忘记密码请联系老师或管理员重置",
        ),
        (r"the current password is wrong", "当前密码不正确"),
        (
            r"too many sign-in attempts for this account; try again in (?P<n>\d+) minute\(s\)",
            "这个账号的登录尝试次数过多，请 {n} 分钟后再试",
        ),
        (
            r"too many sign-in attempts for this address; try again in (?P<n>\d+) minute\(s\)",
            "来自这个网络地址的登录尝试次数过多，请 {n} 分钟后再试",
        ),
        (
            r"ask your teacher or the admin to reset the password if you forgot it",
            "为保护账号，15 分钟内最多尝试 5 次；忘记密码请联系老师或管理员重置",
        ),
        (r"the account (?P<name>'.*'|\".*\") is disabled", "账号 {name} 已停用"),
        (r"ask the admin to enable it again", "请联系管理员重新启用"),
        (r"sign-up is closed on this server", "这台服务器没有开放注册"),
        (r"ask your teacher or the admin for an account", "请向老师或管理员索取账号"),
        (
            r"the password is too short \((?P<n>\d+) characters; at least (?P<min>\d+)\)",
            "密码太短（{n} 个字符，至少 {min} 个）",
        ),
        (
            r"the password is too long \((?P<n>\d+) characters; at most (?P<max>\d+)\)",
            "密码太长（{n} 个字符，最多 {max} 个）",
        ),
        (
            r"a few words you will remember make a good password",
            "几个你记得住的词连在一起就是好密码",
        ),
        (r"the password must not be the account's name", "密码不能与账号名相同"),
        (r"the new password is the same as the current one", "新密码与当前密码相同"),
        (r"the two (?:new )?passwords differ", "两次输入的密码不一致"),
        (
            r"the user name (?P<name>'.*'|\".*\") is not 1-64 letters, digits, '\.', '-' or '_'",
            "账号名 {name} 不可用：只能是 1–64 个英文字母、数字或 . - _",
        ),
        (
            r"it names the user's folder too: e\.g\. zhang-san or student01",
            "例如 zhang-san 或 student01",
        ),
        (r"a user is already called (?P<name>'.*'|\".*\")", "账号名 {name} 已被使用"),
        (r"choose another name", "请换一个账号名"),
        (
            r"the password is wrong: nothing was deleted",
            "密码不正确，没有删除任何数据",
        ),
        (
            r"type the account's name (?P<name>'.*'|\".*\") to confirm \(not (?P<typed>.*)\):"
            r" nothing was deleted",
            "请输入账号名 {name} 以确认（输入的是 {typed}），没有删除任何数据",
        ),
        (
            r"deleting an account cannot be undone; export your data first",
            "删除账号无法撤销，请先导出你的数据",
        ),
        (
            r"(?P<name>'.*'|\".*\") is the last admin: deleting it would leave no one to manage"
            r" the accounts",
            "{name} 是最后一个管理员，删除后将无人管理账号",
        ),
        (
            r"make another account an admin first \(viva users role NAME admin\)",
            "请先把另一个账号设为管理员（viva users role 账号名 admin）",
        ),
        # --- batch grading (web.batch, grading.batch) ---
        (r"batch grading is for teachers and admins", "批量评分只对老师和管理员开放"),
        (
            r"ask the admin for the teacher role if you grade a class's answers",
            "如需为班级批量评分，请向管理员申请老师权限",
        ),
        (
            r"(?P<file>.+):(?P<line>\d+): (?P<n>\d+) fields, but the first line names (?P<m>\d+)"
            r" \((?P<columns>.*)\)",
            "{file} 第 {line} 行有 {n} 个字段，但第一行只有 {m} 个列名（{columns}）",
        ),
        (
            r"put quotes around a cell that holds a comma or a line break",
            "含逗号或换行的单元格要用英文双引号括起来",
        ),
        (
            r"(?P<file>.+):(?P<line>\d+): not valid CSV \((?P<why>.*)\)",
            "{file} 第 {line} 行不是有效的 CSV（{why}）",
        ),
        (
            r"save the sheet as CSV UTF-8 \(comma-separated\)",
            "请把表格另存为“CSV UTF-8（逗号分隔）”",
        ),
        (
            r"(?P<file>.+): expected the columns (?P<columns>[\w, ]+) \(missing: (?P<missing>.*)\)",
            "{file} 缺少列：{missing}（需要的列：{columns}）",
        ),
        (
            r"(?P<file>.+): expected the columns (?P<columns>[\w, ]+) \(the file has no rows\)",
            "{file} 没有数据行（需要的列：{columns}）",
        ),
        (
            r"the first CSV line names the columns; JSONL objects use the same keys",
            "CSV 的第一行是列名；JSONL 的每个对象使用相同的键",
        ),
        (
            r"(?P<file>.+): expected a \.csv or \.jsonl file \(not (?P<suffix>.*)\)",
            "{file} 应是 .csv 或 .jsonl 文件（不是 {suffix}）",
        ),
        (
            r"save the sheet as CSV UTF-8 with the columns question, reference, answer",
            "请把表格另存为“CSV UTF-8”，包含 question、reference、answer 三列",
        ),
        (r"(?P<file>.+): not a text file", "{file} 不是文本文件"),
        (r"save it as UTF-8 CSV or JSONL", "请另存为 UTF-8 编码的 CSV 或 JSONL"),
        # --- classes (service.classes, the read-only shared banks) ---
        (r"only a teacher or an admin can run a class", "只有老师或管理员可以管理班级"),
        (
            r"ask the admin to make your account a teacher's \(viva users role\)",
            "如需开设班级，请管理员把你的账号设为老师",
        ),
        (r"no class has the join code (?P<code>'.*'|\".*\")", "没有加入码为 {code} 的班级"),
        (
            r"check the code your teacher gave you \(letters and digits, no 0, O, 1 or I\)",
            "请核对老师给的加入码（由字母和数字组成，不含 0、O、1、I）",
        ),
        (
            r"too many wrong join codes; try again in (?P<n>\d+) minute\(s\)",
            "加入码输错次数过多，请 {n} 分钟后再试",
        ),
        (r"ask your teacher for the class's code", "请向老师确认班级的加入码"),
        (
            r"this is your own class: your students join it with this code",
            "这是你自己的班级：加入码是给学生用的",
        ),
        (r"the class needs a name", "请给班级起个名字"),
        (r"e\.g\. 2027 考研复试班", "例如：2027 考研复试班"),
        (
            r"the class name is (?P<n>\d+) characters long \(at most (?P<max>\d+)\)",
            "班级名称有 {n} 个字符（最多 {max} 个）",
        ),
        (
            r"the score must be from 0 to 100 \(not (?P<v>[^)]*)\)",
            "评分应在 0 到 100 之间（不是 {v}）",
        ),
        (
            r"the note is (?P<n>\d+) characters long \(at most (?P<max>\d+)\)",
            "说明有 {n} 个字符（最多 {max} 个）",
        ),
        (r"give your own score of this answer", "请给这个回答打一个你自己的分数"),
        (
            r"you have no bank called (?P<bank>'.*'|\".*\") to share",
            "你没有名为 {bank} 的题库可以共享",
        ),
        (
            r"import your notes into a bank first; only your own banks are shared",
            "请先把笔记导入一个题库；只能共享你自己的题库",
        ),
        (
            r"the bank (?P<bank>'.*'|\".*\") is not shared with this class",
            "题库 {bank} 没有共享给这个班级",
        ),
        (
            r"question (?P<id>\w+) is in (?P<bank>'.*'|\".*\"), which your teacher shared"
            r" with your class: it is read-only",
            "题目 {id} 属于老师共享给班级的题库 {bank}，只能阅读和练习，不能修改",
        ),
        (
            r"add a question of your own instead, or tell your teacher what to fix",
            "可以添加一道你自己的题目，或者告诉老师哪里需要修改",
        ),
        (
            r"the bank (?P<bank>'.*'|\".*\") is shared with your class by your teacher: it is"
            r" read-only",
            "题库 {bank} 是老师共享给班级的，只能阅读和练习，不能修改",
        ),
        (
            r"drill it as it is; import your own notes into a bank of your own",
            "可以直接练习它；你自己的笔记请导入到你自己的题库",
        ),
        (
            r"the bank name (?P<name>'.*'|\".*\") contains '/', which marks a bank a teacher"
            r" shared with a class",
            "题库名 {name} 含有“/”：它用来标记老师共享给班级的题库",
        ),
        (
            r"no student of this class is called (?P<name>'.*'|\".*\")",
            "这个班级没有名为 {name} 的学生",
        ),
        (r"no class of yours has the id (?P<id>\d+)", "你没有编号为 {id} 的班级"),
        (r"you are not in a class with the id (?P<id>\d+)", "你不在编号为 {id} 的班级中"),
        # --- import problems (bank.reader, bank._frontmatter, bank._shapes, bank.vault) ---
        (r"cannot read: (?P<why>.*)", "无法读取这个文件"),
        (
            r"too large: (?P<size>[\d.]+) MB \(limit (?P<limit>[\d.]+) MB; set VIVA_MAX_NOTE_MB"
            r" to raise it\)",
            "文件太大：{size} MB（上限 {limit} MB；可用 VIVA_MAX_NOTE_MB 提高）",
        ),
        (
            r"not a text file \(binary or unknown encoding\); save it as UTF-8 to import it",
            "不是文本文件（二进制或无法识别的编码）；请另存为 UTF-8 后再导入",
        ),
        (
            r"front matter uses a YAML anchor or alias .* / (?P<zh>前置元数据.*)",
            "{zh}",
        ),
        (
            r"front matter is not valid YAML \((?P<detail>.*)\); its tags were ignored",
            "前置元数据（front matter）不是有效的 YAML，其中的标签已忽略",
        ),
        (
            r"front matter should be a YAML mapping \(key: value\)",
            "前置元数据（front matter）应当是“键: 值”的 YAML 映射",
        ),
        (
            r"(?P<n>\d+) tag\(s\) longer than (?P<limit>\d+) characters were ignored"
            r" \(shorten them to keep them\)",
            "{n} 个标签超过 {limit} 个字符，已忽略（缩短后即可保留）",
        ),
        (
            r"(?P<n>\d+) tags: only the first (?P<limit>\d+) were kept \(remove some to keep"
            r" the rest\)",
            "共 {n} 个标签，只保留了前 {limit} 个（删掉一些即可保留其余的）",
        ),
        (
            r"heading (?P<name>'.*'|\".*\") has text of its own but does not read as a question,"
            r" so it was read as a section: end it with \? \(or ？\) to make it a question",
            "标题 {name} 下有正文，但读起来不像问题，已当作章节：在标题末尾加上“？”就会成为一道题",
        ),
        (
            r"(?P<n>\d+) cloze card\(s\) .* not imported: Viva drills question-answer cards;"
            r" write them as `question::answer` \(first one at this line\)",
            "{n} 张填空卡（==…== 或 {{{{…}}}}）没有导入：Viva 练的是问答卡，请写成"
            "“问题::答案”（第一张在这一行）",
        ),
        (
            r"(?P<what>embed|link) (?P<raw>.+?): note (?P<name>'.*'|\".*\") is not in the vault",
            "{what} {raw}：仓库中没有笔记 {name}",
        ),
        (
            r"(?P<what>embed|link) (?P<raw>.+?): no heading (?P<heading>'.*'|\".*\") in"
            r" (?P<note>.+)",
            "{what} {raw}：{note} 中没有标题 {heading}",
        ),
        (
            r"image (?P<raw>.+?): file (?P<name>'.*'|\".*\") is not in the vault",
            "图片 {raw}：仓库中没有文件 {name}",
        ),
        (
            r"(?P<what>embed|link) (?P<raw>.+?): no block \^(?P<name>\S+) in (?P<note>.+)",
            "{what} {raw}：{note} 中没有块 ^{name}",
        ),
        (
            r"not valid UTF-8: (?P<n>\d+) damaged byte sequence\(s\) shown as \ufffd \(the"
            r" first on this line\); save the note as UTF-8 again",
            "不是有效的 UTF-8：{n} 处损坏的字节显示为 \ufffd（第一处在这一行）；请把笔记重新"
            "保存为 UTF-8",
        ),
        # --- uploads (web.uploads) ---
        (r"no file was uploaded", "没有选择文件"),
        (r"choose \.md files or a \.zip of your vault", "请选择 .md 笔记或整个仓库的 .zip"),
        (
            r"(?P<name>.+): only Markdown/text notes \(\.md, \.markdown, \.txt\) and \.zip vaults"
            r" can be imported \(not (?P<suffix>.+)\)",
            "{name}：只能导入 Markdown/文本笔记（.md、.markdown、.txt）和仓库的 .zip"
            "（不是 {suffix}）",
        ),
        (
            r"export the notes as Markdown, or zip the vault folder",
            "请把笔记导出为 Markdown，或把仓库文件夹压缩成 .zip",
        ),
        (r"(?P<name>.+) is not a text file", "{name} 不是文本文件"),
        (r"upload Markdown notes", "请上传 Markdown 笔记"),
        (r"(?P<name>.+) contains no Markdown notes", "{name} 里没有 Markdown 笔记"),
        (r"the upload is over (?P<mb>\d+) MB", "上传超过了 {mb} MB 的上限"),
        (r"raise VIVA_MAX_UPLOAD_MB", "可提高 VIVA_MAX_UPLOAD_MB"),
        (
            r"upload fewer files, or raise VIVA_MAX_UPLOAD_MB",
            "请少传一些文件，或提高 VIVA_MAX_UPLOAD_MB",
        ),
        (
            r"(?P<name>.+) is not a valid zip archive \((?P<detail>.*)\)",
            "{name} 不是有效的 zip 压缩包",
        ),
        (
            r"the zip is damaged or uses a method Viva cannot unpack; zip the folder again",
            "压缩包已损坏或使用了 Viva 无法解压的方式；请重新压缩文件夹",
        ),
        (r"rename the file and upload it again", "请重命名文件后再上传"),
        # --- banks, questions, practice ---
        (
            r"no question has the id (?P<id>.+)",
            "没有编号为 {id} 的题目",
        ),
        (
            r"`viva bank list` shows the ids; `viva bank search TEXT` finds a question",
            "可在“题库”页搜索题目",
        ),
        (
            r"no bank is called (?P<name>'.*'|\".*\") \(banks: (?P<banks>.*)\)",
            "没有名为 {name} 的题库（现有：{banks}）",
        ),
        (r"`viva import PATH --bank NAME` creates a bank", "在“题库”页导入笔记即可新建题库"),
        (
            r"the bank name (?P<name>'.*'|\".*\") is reserved \(built-in questions, every bank,"
            r" or questions added in Viva\)",
            "题库名 {name} 已被保留（用于内置题库、“全部题库”或在 Viva 里添加的题目）",
        ),
        (r"the bank name (?P<name>'.*'|\".*\") is empty", "题库名不能为空"),
        (
            r"the bank name (?P<name>'.*'|\".*\") is (?P<n>\d+) characters long \(at most"
            r" (?P<max>\d+)\)",
            "题库名 {name} 太长：{n} 个字符（最多 {max} 个）",
        ),
        (
            r"the bank name (?P<name>'.*'|\".*\") starts or ends with spaces",
            "题库名 {name} 的开头或结尾有空格",
        ),
        (
            r"the bank name (?P<name>'.*'|\".*\") contains control characters",
            "题库名 {name} 含有控制字符",
        ),
        (
            r"name the bank with a few letters or digits, e\.g\. my-notes or 机器学习",
            "请用几个字母、数字或汉字命名，例如 my-notes 或 机器学习",
        ),
        (
            r"learn 1 to (?P<max>\d+) more new questions at a time \(not (?P<n>-?\d+)\)",
            "一次可以多学 1 到 {max} 道新题（不是 {n}）",
        ),
        (
            r"or raise the new questions per day in the settings",
            "也可以在“设置”里提高每天新题数",
        ),
        (
            r"no question of the banks matches any stage of this plan",
            "所选题库和部分里没有适合这个面试流程任何环节的题目",
        ),
        (
            r"import notes with matching sections, or use --bank builtin",
            "请多选几个部分，或加入内置题库",
        ),
        (
            r"minutes must be a number from 1 to 240 \(not (?P<raw>.*)\)",
            "总时长必须是 1 到 240 之间的数字（不是 {raw}）",
        ),
        (
            r"this interview went on in another tab: that answer was not recorded",
            "这场面试已在另一个标签页中继续了，这次的回答没有记录",
        ),
        (r"reload the page to see where the interview is now", "请刷新页面查看面试进行到哪里"),
        (
            r"this mock interview is over or was never started",
            "这场模拟面试已经结束，或从未开始",
        ),
        (
            r"finished interviews are under history; start a new one",
            "结束的面试在“历史记录”里；也可以开始新的一场",
        ),
        (r"no mock interview has the id (?P<id>\d+)", "没有编号为 {id} 的模拟面试"),
        (r"no interview plan called (?P<name>'.*'|\".*\")", "没有名为 {name} 的面试流程"),
        (r"no mock interview yet", "还没有做过模拟面试"),
        (
            r"the interview date (?P<day>\S+) is not after today \((?P<today>\S+)\)",
            "面试日期 {day} 不在今天（{today}）之后",
        ),
        (
            r"give a future date, e\.g\. --exam-date 2027-03-20",
            "请给一个将来的日期，例如 --exam-date 2027-03-20",
        ),
        (
            r"only (?P<n>\d+) reviews so far: fitting FSRS needs at least (?P<min>\d+)",
            "目前只有 {n} 次复习记录，拟合 FSRS 参数至少需要 {min} 次",
        ),
        (
            r"keep drilling; fsrs' defaults serve well until then",
            "继续练习吧；在那之前，FSRS 的默认参数就很好用",
        ),
        (
            r"an interview needs a keyboard, or the answers in a file",
            "模拟面试要在终端里作答，或者从文件读入回答",
        ),
        (
            r"run it in a terminal, or: viva interview --answers answers\.jsonl --json",
            "请在终端里运行，或者：viva interview --answers answers.jsonl --json",
        ),
        (
            r"built-in plans: (?P<plans>.*); or give the path of a YAML plan",
            "内置流程：{plans}；也可以给出 YAML 流程文件的路径",
        ),
        # --- files on the command line (bank.reader, export) ---
        (r"(?P<path>'.*'|\".*\") does not exist", "{path} 不存在"),
        (
            r"give a note file or a folder of notes \(an Obsidian vault\)",
            "请给出一个笔记文件，或一个笔记文件夹（Obsidian 仓库）",
        ),
        (r"give the \.apkg file Anki exported", "请给出 Anki 导出的 .apkg 文件"),
        (r"there are no questions to export", "没有可以导出的题目"),
        (
            r"`viva import NOTES` first, or name a bank with --bank",
            "请先用 `viva import 笔记` 导入，或用 --bank 指定题库",
        ),
        (r"(?P<path>'.*'|\".*\") does not end in \.(?P<ext>apkg|zip)", "{path} 不是 .{ext} 文件"),
        (
            r"name the file like my-notes\.apkg: Anki imports \.apkg packages",
            "文件名请以 .apkg 结尾，例如 my-notes.apkg：Anki 导入的是 .apkg 包",
        ),
        (r"name the file like my-viva\.zip", "文件名请以 .zip 结尾，例如 my-viva.zip"),
        (r"(?P<path>'.*'|\".*\") is a folder", "{path} 是一个文件夹"),
        (r"give a file name ending in \.(?P<ext>apkg|zip)", "请给出以 .{ext} 结尾的文件名"),
        (r"cannot write (?P<path>'.*'|\".*\"): (?P<why>.*)", "无法写入 {path}：{why}"),
        (r"choose a folder you can write to", "请换一个有写入权限的文件夹"),
        # --- preferences (service.preferences); several may be joined by "; " ---
        (
            r"interview date (?P<raw>.+) is not a date like 2027-03-20",
            "面试日期 {raw} 不是有效日期（例如 2027-03-20）",
        ),
        (
            r"the interview date must be within (?P<n>\d+) years, by (?P<latest>\S+) \(not"
            r" (?P<day>\S+)\)",
            "面试日期须在 {n} 年之内，即不晚于 {latest}（不是 {day}）",
        ),
        (
            r"desired retention must be between 0\.70 and 0\.99 \(not (?P<raw>.+)\)",
            "目标保持率须在 0.70 到 0.99 之间（不是 {raw}）",
        ),
        (
            r"(?P<what>new per day|reviews per day|daily goal) must be a whole number 0-9999"
            r" \(not (?P<raw>.+)\)",
            "{what}须是 0 到 9999 的整数（不是 {raw}）",
        ),
        (
            r"time zone must be an IANA name like Asia/Shanghai or Europe/London \(not"
            r" (?P<raw>.+)\)",
            "时区须是 IANA 时区名，例如 Asia/Shanghai 或 Europe/London（不是 {raw}）",
        ),
        (
            r"days to keep recordings must be a whole number 0-(?P<max>\d+), 0 to keep them"
            r" \(not (?P<raw>.+)\)",
            "录音保留天数须是 0 到 {max} 的整数，0 为一直保留（不是 {raw}）",
        ),
        (r"fix the values and save again", "请改正后再保存"),
        # --- the request itself (web.app) ---
        (r"the request is not valid \((?P<detail>.*)\)", "请求的内容无效（{detail}）"),
        (r"see /api/docs for the fields", "请刷新页面后重试"),
        (
            r"Viva hit an internal error; nothing was changed",
            "Viva 内部出错，没有做任何修改",
        ),
        (r"the details are in the server's log", "详细信息在服务器日志中"),
    )
)

# Hints whose Chinese differs in the terminal: the web's wording points at its pages ("可在“题库”页
# 搜索题目"), the terminal's at the commands the English names.
_ZH_TERMINAL: _Table = tuple(
    (re.compile(pattern, re.DOTALL), template)
    for pattern, template in (
        (
            r"`viva bank list` shows the ids; `viva bank search TEXT` finds a question",
            "`viva bank list` 列出题目编号；`viva bank search 文字` 可以查找题目",
        ),
        (
            r"`viva import PATH --bank NAME` creates a bank",
            "`viva import 路径 --bank 名称` 会新建题库",
        ),
        (
            r"import notes with matching sections, or use --bank builtin",
            "请导入有对应章节的笔记，或者加上 --bank builtin",
        ),
        (
            r"finished interviews are under history; start a new one",
            "做完的面试用 `viva history` 查看；也可以开始新的一场",
        ),
        (
            r"`viva interview` runs one; `viva history` lists them",
            "`viva interview` 开始一场；`viva history` 列出做过的",
        ),
        (
            r"or raise the new questions per day in the settings",
            "也可以在网页的“设置”里提高每天新题数",
        ),
    )
)

_CJK = re.compile(r"[\u3400-\u9fff]")

# the names inside some messages
_WORDS_ZH = {
    "embed": "嵌入",
    "link": "链接",
    "new per day": "每天新题数",
    "reviews per day": "每天最多复习数",
    "daily goal": "每日目标",
}


@dataclass(frozen=True, slots=True)
class Localised:
    """A message in the interface's language; `original` is set when it had to be replaced by
    a general sentence (the English original, shown apart as a detail)."""

    text: str
    original: str | None = None


def localised(message: str, lang: str, *, fallback: str = "", terminal: bool = False) -> Localised:
    """`message` in `lang` ("zh" or "en"); a message no pattern knows becomes `fallback`
    (a general sentence in `lang`) with the original kept apart.

    Several messages joined by "; " (every bad preference at once) are each translated.
    `terminal`: worded for the command line (a hint names commands, not pages).
    """
    if lang == "en":
        english = message.split(" / 前置元数据", 1)[0]  # a bilingual message: its English half
        return Localised(english)
    tables = (_ZH_TERMINAL, _ZH) if terminal else (_ZH,)
    parts = [_zh(part, tables) for part in message.split("; ")]
    if all(part is not None for part in parts):
        return Localised("；".join(p for p in parts if p is not None))
    whole = _zh(message, tables)
    if whole is not None:
        return Localised(whole)
    if _CJK.search(message):  # already worded in Chinese (a page's own text)
        return Localised(message)
    return Localised(fallback or message, original=message if fallback else None)


def is_known(message: str) -> bool:
    """True when `message` has a Chinese wording (every part, when joined by "; ")."""
    return _zh(message) is not None or all(_zh(p) is not None for p in message.split("; "))


def _zh(message: str, tables: tuple[_Table, ...] = ()) -> str | None:
    for pattern, template in (entry for table in tables or (_ZH,) for entry in table):
        match = pattern.fullmatch(message.strip())
        if match is not None:
            values = {k: _WORDS_ZH.get(v, v) for k, v in match.groupdict().items()}
            if "detail" in values and "{detail}" in template:
                values["detail"] = _fields_zh(values["detail"])
            return template.format(**values)
    return None


# a form field's problem, as the request validation words it ("answer: String should ...")
_FIELDS_ZH = {
    "answer": "回答",
    "question_id": "题目编号",
    "rating": "评分",
    "count": "数量",
    "version": "版本",
    "seconds_used": "用时",
    "files": "文件",
    "request": "请求",
}
_CHECKS_ZH: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), template)
    for pattern, template in (
        (r"String should have at most (?P<n>\d+) characters?", "最多 {n} 个字符"),
        (r"Field required", "必须填写"),
        (r"Input should be a valid integer.*", "应当是整数"),
        (r"Input should be a valid number.*", "应当是数字"),
        (r"Input should be less than or equal to (?P<n>\S+)", "不能大于 {n}"),
        (r"Input should be greater than or equal to (?P<n>\S+)", "不能小于 {n}"),
    )
)


def _fields_zh(detail: str) -> str:
    """ "answer: String should have at most 20000 characters" as "回答：最多 20000 个字符"
    (a problem not known here as a general word, so no English is left)."""
    out = []
    for part in detail.split("; "):
        field, _, problem = part.partition(": ")
        name = _FIELDS_ZH.get(field.split(".")[-1], "字段")
        wording = next(
            (
                template.format(**m.groupdict())
                for pattern, template in _CHECKS_ZH
                if (m := pattern.fullmatch(problem.strip())) is not None
            ),
            "格式不对",
        )
        out.append(f"{name}：{wording}")
    return "；".join(out)
