"""Reported speech in narrative news, form by form (made-up sentences of the shapes real news
uses); accuracy on real pages is measured by make bench-quotes."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.records import Article
from pipeline.text.quotes import attribute_quotes
from pipeline.text.split import split


def quotes_of(paragraphs: list[str], title: str = "新闻") -> list[tuple]:
    article = Article(url="http://x.example/a", article_id="a" * 16, canonical_url="", raw_sha256="", encoding="utf-8",
                      title=title, paragraphs=list(paragraphs), paragraphs_raw=list(paragraphs))
    result = attribute_quotes(split(article))
    body = result.body_text
    for quote in result.quotes:  # offsets slice the body, and the text is the content
        assert body[quote.start_offset : quote.end_offset].strip() == quote.text
        assert result.paragraphs[quote.paragraph] in body
    return [(q.speaker_name, q.speaker_kind, q.cue, q.kind, q.via, q.text) for q in result.quotes]


def test_a_named_official_cue_then_content_with_org_and_post():
    [quote] = quotes_of(["国家知识产权局局长申长雨在致辞中表示，要全面加强知识产权保护。"])
    assert quote == ("申长雨", "person", "表示", "indirect", "name", "要全面加强知识产权保护。")


def test_direct_speech_before_and_after_its_cue_and_a_pronoun_resolved():
    found = quotes_of(["国家知识产权局局长申长雨出席论坛。“我们将继续推进强国建设。”申长雨说。",
                       "他还指出，保护知识产权就是保护创新。"])
    assert found == [("申长雨", "person", "说", "direct", "name", "我们将继续推进强国建设。"),
                     ("申长雨", "person", "指出", "indirect", "coref", "保护知识产权就是保护创新。")]


def test_a_quote_split_around_its_cue_is_one_statement():
    [quote] = quotes_of(["“这是第一次，”王强说，“但不会是最后一次。”王强是本市居民。"])
    assert quote[0] == "王强" and quote[3] == "direct" and quote[5].startswith("这是第一次")


def test_according_to_offices_and_organisations():
    found = quotes_of(["据国家海洋局有关负责人介绍，机组人员均已获救。该负责人表示，考察不受影响。",
                       "国家统计局表示，一季度经济运行总体平稳。"])
    assert [(name, kind, via) for name, kind, _, _, via, _ in found] == [
        ("国家海洋局有关负责人", "office", "name"), ("国家海洋局有关负责人", "office", "coref"), ("国家统计局", "organisation", "name")]


def test_a_short_form_and_a_described_name_resolve_to_the_person():
    found = quotes_of(["记者专访了北京大学法学院教授易明。", "易教授认为，保护力度还要加大。",
                       "在珠三角打工多年的农民工黎永芬说，工资按时发了。"])
    assert [(name, via) for name, _, _, _, via, _ in found] == [("易明", "coref"), ("黎永芬", "name")]


def test_a_quotation_that_goes_on_after_a_statement_is_the_same_speakers():
    found = quotes_of(["黎永芬说，自己所在的公司就是这样。“老板突然逃离，拖欠了工资近80万元。”"])
    assert [(name, kind) for name, _, _, kind, _, _ in found] == [("黎永芬", "indirect"), ("黎永芬", "direct")]


def test_vague_sources_documents_media_the_reporter_and_the_first_person_are_no_speakers():
    assert quotes_of(["业内人士表示，这一政策将利好市场。据悉，会议为期两天。报告显示，申请量增长10%。",
                      "据新华社报道，论坛在京举行。记者了解到，活动持续一周。有网友说，这是好事。",
                      "我认为这样不好。应该说，情况正在好转。人民网称，会议取得成功。"]) == []


def test_transcript_turns_are_speeches_not_quotes():
    assert quotes_of(["记者：王强表示要加强保护，您怎么看？", "李明：我认为要加强保护。", "记者：还有呢？", "李明：要加快立法。"]) == []


def test_traditional_script_and_a_latin_name():
    found = quotes_of(["香港知識產權署署長黃福來表示，署方會繼續優化審查程序。", "Parker稱，惠譽相信該國可以度過難關。"])
    assert [(name, cue) for name, _, cue, _, _, _ in found] == [("黄福来", "表示"), ("Parker", "称")]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet="王强说表示称“”，。：他据悉国家局长申长雨认为", max_size=60), max_size=8))
def test_any_text_gives_quotes_whose_offsets_slice_the_body(paragraphs):
    quotes_of(paragraphs)


def test_a_manner_before_the_cue_leaves_the_speaker_and_a_bare_manner_is_no_speaker():
    found = quotes_of(["刘先生困惑地说：“不是说可以保护脚踝的吗？”", "材料学博士梁星人自豪地称，他的发明推翻了定律。",
                       "严格地说，这不是一次成功的试验。"])
    assert [(name, kind) for name, _, _, kind, _, _ in found] == [("刘先生", "direct"), ("梁星人", "indirect")]


def test_an_adverbial_that_would_swallow_the_subject_leaves_the_name_it_opens_with():
    found = quotes_of(["记者走访了设计专家胡继忠先生，胡继忠从事飞机设计多年。",
                       "胡先生看完这则报道后当即肯定地说，制造出这样的飞机是不可能的。"])
    assert [(name, via) for name, _, _, _, via, _ in found] == [("胡继忠", "coref")]


def test_a_cue_character_inside_a_word_is_no_cue():
    found = quotes_of(["这部小说描写了一个家庭。据说，作者花了十年写成。", "共产党宣称，它代表人民的利益。"])
    assert [(name, cue) for name, _, cue, _, _, _ in found] == [("共产党", "宣称")]


def test_a_pronoun_means_a_person_named_after_an_occupation_not_a_word_tagged_as_a_name():
    found = quotes_of(["成都的熊猫很可爱，熊猫每天吃竹子，游客都来看熊猫。",
                       "电视剧的编剧朱耀廷一直关注考古消息，他认为，考古已经违反了草原祭祀文化。朱耀廷是北京人。"])
    assert [(name, via) for name, _, _, _, via, _ in found] == [("朱耀廷", "coref")]


def test_verbs_that_take_an_object_report_speech_only_before_a_comma_or_colon():
    found = quotes_of(["英特尔声明，厂商将可帮助消费者关闭安全启动。", "国家统计局公布了去年的经济数据。",
                       "王强觉得，这次改革来得正是时候。王强是本地人。"])
    assert [(name, cue) for name, _, cue, _, _, _ in found] == [("英特尔", "声明"), ("王强", "觉得")]


def test_a_foreign_name_shortened_to_one_part_is_the_full_name():
    found = quotes_of(["时任总统乔治·布什出席仪式，劳伦斯·洛克菲勒获得奖章。", "劳伦斯在仪式上表示，保护自然最重要。",
                       "他在文章中写道：“浪费总是可耻的。”"])
    assert [(name, via) for name, _, _, _, via, _ in found] == [("劳伦斯·洛克菲勒", "coref"), ("劳伦斯·洛克菲勒", "coref")]


def test_soundbites_under_a_label_in_a_report_are_quotes_not_a_transcript():
    found = quotes_of(["寒流一波接着一波，洗脸时的水温是关键。", "医学美容中心主任杨丽珍：“用热水洗脸，皮脂会被破坏。”",
                       "除了避免用热水，选择护肤产品也很重要。", "医学美容中心主任杨丽珍：“干燥的皮肤要使用无皂性的洗面乳。”"])
    assert [(name, cue, kind) for name, _, cue, kind, _, _ in found] == [("杨丽珍", "：", "direct")] * 2


def test_an_abbreviated_body_and_a_latin_surname_are_the_full_names_the_article_gives():
    found = quotes_of(["依疾病管制局监测资料，流感病毒仍在流行。疾管局呼吁，民众应勤洗手。",
                       "惠誉分析师Edward Parker表示，希腊债务违约即将发生。Parker称，违约难以避免。"])
    assert [name for name, *_ in found] == ["疾病管制局", "Edward Parker", "Edward Parker"]


def test_a_pronoun_means_a_person_named_once_after_a_post_not_the_object_of_the_sentence():
    found = quotes_of(["香港著名导演彭浩翔也在微博中力挺韩寒，他说：“韩寒兄，我能肯定你没有代笔。”韩寒是作家。",
                       "韩寒成为作家后，家喻户晓，他表示，自己没有变。"])
    assert [(name, via) for name, _, _, _, via, _ in found] == [("彭浩翔", "coref"), ("韩寒", "coref")]


def test_a_quotation_after_a_whole_quoted_sentence_and_its_cue_is_a_statement_of_its_own():
    found = quotes_of(["“我没有写作团队。”韩寒说：“至于文中所说的路金波，他只是我的朋友。”",
                       "“这是第一次，”王强说，“但不会是最后一次。”王强是本市居民。"])
    assert [text[:6] for *_, text in found] == ["我没有写作团", "至于文中所说", "这是第一次，"]


def test_a_cue_after_a_comma_speaks_for_the_name_that_opened_the_clause_before():
    found = quotes_of(["在谈到被偷拍的经历时，郭德纲大吐苦水，称自己被跟踪偷拍长达6年之久。郭德纲是相声演员。",
                       "陆娟的律师已经提出管辖异议，认为双方并没有约定管辖。陆娟是原告。"])
    assert [(name, text[:4]) for name, *_, text in found] == [("郭德纲", "自己被跟"), ("陆娟的律师", "双方并没")]  # not 陆娟


def test_a_quoted_term_opening_the_content_starts_indirect_speech_and_a_dateline_is_no_subject():
    found = quotes_of(["中国家用电器协会理事长姜风称，“红顶奖”的评审对促进家电业发展有重要意义。",
                       "人民网北京1月12日电 （记者 刘军涛）中央气象台预计，今天夜间我国北方有降雪。"])
    assert [(name, kind, text[:5]) for name, _, _, kind, _, text in found] == [
        ("姜风", "indirect", "“红顶奖”"), ("中央气象台", "indirect", "今天夜间我")]


def test_a_paragraph_opening_with_a_quotation_is_the_next_direct_speakers_and_a_named_bodys_people_speak():
    found = quotes_of(["“一季度工业生产偏热的情况较严重。”经济偏热的程度为实际水平与趋势的偏差，"
                       "宋国青教授分析数据后表示，“正常增长率不高于15％。”",
                       "“广汽一直都有商用车崛起的战略想法。”广汽有关高层人士介绍说，双方的思路都很吻合。"])
    assert [(name, text[:4]) for name, *_, text in found] == [
        ("宋国青", "一季度工"), ("宋国青", "正常增长"), ("广汽有关高层人士", "广汽一直"), ("广汽有关高层人士", "双方的思")]


def test_a_brand_jieba_tags_as_a_name_is_an_organisation_and_no_antecedent_of_he():
    found = quotes_of(["柯达宣布，公司已把三个业务部门重组为两个。柯达仍在亏损。",
                       "公司行政总裁安东尼表示，重组将节省资金。他还表示，公司会继续寻找机会。"])
    assert [(name, kind) for name, kind, *_ in found] == [
        ("柯达", "organisation"), ("安东尼", "person"), ("安东尼", "person")]


def test_offices_drop_the_count_foreign_names_spaced_apart_are_one_and_what_was_not_said_is_no_statement():
    found = quotes_of(["HTC一位发言人表示，公司要先审查起诉理由。", "公司行政总裁安东尼 彼里茨表示，重组将节省资金。",
                       "发言人克里斯托弗 维罗达没有说明重组是否会导致裁员。"])
    assert [name for name, *_ in found] == ["HTC发言人", "安东尼·彼里茨"]


def test_a_bare_post_means_its_holder_and_his_spokesperson_is_the_persons():
    found = quotes_of(["嘉义医院皮肤科主任医师邱健群表示，足部湿疹增加。", "医师指出，保暖靴子要常换。",
                       "劳伦斯·洛克菲勒周日去世。据他的发言人透露，洛克菲勒死于肺部纤维症。", "发言人说，家人都在身边。"])
    assert [(name, kind, via) for name, kind, _, _, via, _ in found] == [
        ("邱健群", "person", "name"), ("邱健群", "person", "coref"),
        ("劳伦斯·洛克菲勒的发言人", "office", "coref"), ("劳伦斯·洛克菲勒的发言人", "office", "coref")]


def test_she_means_the_last_woman_addressed_and_he_the_last_man():
    found = quotes_of(["家住多伦多的香港移民杜女士昨日赶往邮政局购买龙年邮票，她告诉记者，龙年邮票她必买。",
                       "本地收藏家王先生一口气买了10套，杜女士也买了两套。他说，这10套邮票多半寄回国内。",
                       "讲师刘菲指出，这批邮票很受欢迎。"])
    assert [(name, via) for name, _, _, _, via, _ in found] == [("杜女士", "coref"), ("王先生", "coref"), ("刘菲", "name")]


def test_the_reporter_told_is_no_part_of_the_content():
    found = quotes_of(["郭荣梅告诉顶端新闻·河南商报记者，和民乐团一起前行的日子很辛苦。郭荣梅是团长。"])
    assert [(name, text[:4]) for name, *_, text in found] == [("郭荣梅", "和民乐团")]


def test_a_surname_and_a_title_is_the_person_named_in_full_not_a_new_person():
    found = quotes_of(["据这家诊所的所长金明岸介绍，她们中有人20年没有约会。", "金医生的治疗方案颇具特色。金医生否认他的服务违法。",
                       "“这种做法没有任何过错。”他说。"])
    assert [(name, via) for name, _, _, _, via, _ in found] == [("金明岸", "name"), ("金明岸", "coref"), ("金明岸", "coref")]


def test_an_indefinite_mr_zhang_is_someone_new():
    found = quotes_of(["收藏家张纪正说，龙票值得收藏。张纪正买了五套。", "一位张先生告诉记者：“今年是龙年，邮票一定要买。”",
                       "张先生说，他已经买了十套。"])
    assert [(name, via) for name, _, _, _, via, _ in found] == [("张纪正", "name"), ("张先生", "name"), ("张纪正", "coref")]


def test_findings_forecasts_and_hong_kong_style_zhi_are_cues_before_a_comma():
    found = quotes_of(["嘉基医院皮肤科主任医师邱健群发现，冬季足部湿疹增多。", "大连港预期，去年全年盈利将下跌。",
                       "瑞信集团发表报告指，恒大今年目标较易达成。", "市长王剑锋讲话中指出，要优化营商环境。", "他用手指，指着远方。"])
    assert [(name, cue) for name, _, cue, *_ in found] == [("邱健群", "发现"), ("大连港", "预期"), ("瑞信集团", "指"), ("王剑锋", "指出")]


def test_a_quotation_a_named_person_introduces_with_a_colon():
    found = quotes_of(["村民晏守强说起病害。晏守强记忆深刻：“多代种、重茬种，即使风调雨顺，产量也一年不如一年。”",
                       "记者注意到：“这里的产量很低很低。”", "晏守强的账本上写着：“今年收成一般般。”"])
    assert [(name, kind, text[:3]) for name, _, _, kind, _, text in found] == [("晏守强", "direct", "多代种")]


def test_adverbs_of_time_and_manner_between_an_organisation_and_its_warning():
    found = quotes_of(["惠誉上周就已经表示，不会下调法国评级。", "柯达亦主动发出警告称，“如果不能出售专利，将申请破产保护。”"])
    assert [(name, cue, kind) for name, _, cue, kind, *_ in found] == [("惠誉", "表示", "indirect"), ("柯达", "警告", "direct")]


def test_this_bank_means_the_organisation_quoted_before_and_a_side_is_an_organisation():
    found = quotes_of(["大华银行发表研究报告称，恒大能超额完成目标。该行表示，恒大股价仍续向上。", "院方称，消费满2000元送车票。",
                       "中方表示，反对任何形式的霸凌。"])
    assert [(name, kind, via) for name, kind, _, _, via, _ in found] == [
        ("大华银行", "organisation", "name"), ("大华银行", "organisation", "coref"), ("院方", "organisation", "name"),
        ("中方", "organisation", "name")]


def test_staff_of_the_body_the_reporter_called_speak_for_it_and_unknown_staff_are_no_speaker():
    found = quotes_of(["昨天下午，记者来到满记甜品港汇店，工作人员告诉记者芒果布丁已经停售了。",
                       "晚上9点，记者联系高速交警潭耒大队，一位民警说：“永兴加油站因为缺油，很多货车在排队。”",
                       "工作人员表示，这里一切正常。"])
    assert [(name, kind) for name, kind, *_ in found] == [("满记甜品港汇店工作人员", "office"), ("高速交警潭耒大队民警", "office")]


def test_he_after_someone_unnamed_is_that_one_not_the_person_named_before():
    found = quotes_of(["重庆啤酒董事长黄明贵说，疫苗进展顺利。", "一位私募基金的研究员也不看好这种疫苗。他表示，这条技术路线行不通。"])
    assert [(name, via) for name, _, _, _, via, _ in found] == [("黄明贵", "name")]


def test_a_document_is_no_person_even_when_it_starts_with_a_surname():
    found = quotes_of(["国务院新闻办发表白皮书。白皮书指出，15年间群众体育蓬勃发展。白皮书强调，健身意识普遍提高。"])
    assert found == []


def test_a_foreign_name_ends_before_a_negation():
    found = quotes_of(["公司发言人克里斯托弗·维罗达没有说明是否裁员。他只表示：“我们将继续寻找机会简化业务流程。”"])
    assert [(name, via) for name, _, _, _, via, _ in found] == [("克里斯托弗·维罗达", "coref")]


def test_a_woman_at_the_body_the_reporter_called_speaks_for_it():
    found = quotes_of(["记者致电国家体育总局篮球运动管理中心，中心的一位女士告诉记者，篮协方面并没有特别规定。"])
    assert [(name, kind) for name, kind, *_ in found] == [("国家体育总局篮球运动管理中心的女士", "office")]


def test_and_went_on_to_say_is_a_new_statement_of_the_same_speaker():
    found = quotes_of(["耐克香港发言人表示上述调查欠科学化，并评价道：气垫运动鞋的种类很多，有些人喜欢。"])
    assert [(name, cue, text[:3]) for name, _, cue, _, _, text in found] == [
        ("耐克香港发言人", "表示", "上述调"), ("耐克香港发言人", "评价", "气垫运")]


def test_someone_of_a_named_body_is_an_office_and_he_after_it_is_that_office():
    found = quotes_of(["专家言茂松认为电价要改。",
                       "国电谏壁发电厂的人士坦承，当时压力很大。他说，我们毕竟是国有企业。",
                       "华东电网公司一位参与电价政策改革的人士认为，电价还需要探讨。", "旅行社人士建议，游客可错峰出行。"])
    assert [(name, kind, via) for name, kind, _, _, via, _ in found] == [
        ("言茂松", "person", "name"), ("国电谏壁发电厂的人士", "office", "name"), ("国电谏壁发电厂的人士", "office", "coref"),
        ("华东电网公司参与电价政策改革的人士", "office", "name")]


def test_a_people_is_no_speaker():
    assert quotes_of(["按照传统观念，蒙古人认为挖掘土地会带来坏运气。", "美国人普遍认为，油价太高。"]) == []


def test_an_opening_quotation_is_the_next_statements_speakers_and_so_said_refers_back():
    found = quotes_of(["“微博有三个特点：一是好用，二是中性。”作为最早倡导者，新闻办主任梁和平认为，微博是最活跃的载体。",
                       "“我要说明一下，我是‘前NBA球员’！”在昨日的仪式现场，面对主持人的称谓，姚明如是说。"])
    assert [(name, kind, text[:3]) for name, _, _, kind, _, text in found] == [
        ("梁和平", "direct", "微博有"), ("梁和平", "indirect", "微博是"), ("姚明", "direct", "我要说")]


def test_a_when_clause_between_a_described_name_and_the_cue_is_no_subject():
    found = quotes_of(["柯达申请破产。著名导演冯小刚听闻后在微博上感叹：“因为数字技术的飞速发展，柯达将要破产。”"])
    assert [(name, kind) for name, _, _, kind, *_ in found] == [("冯小刚", "direct")]


def test_a_body_name_never_starts_with_a_verb_and_also_called_is_no_statement():
    found = quotes_of(["根据纽交所规定，接到退市警告6个月的调整期内，若柯达股价仍未达标则会被摘牌。",
                       "研究报告指出，乾癣（Psoriasis，又称牛皮癣）患者的动脉较容易堵塞。王强是医生。"])
    assert found == []


def test_an_opening_quotation_goes_to_the_speaker_its_paragraph_names_over_the_one_before():
    found = quotes_of(["上海汇达丰律师事务所有关律师称，广告没有问题。",
                       "“这个产品经过系列安全检测，符合各项法律法规。”除了再次向记者强调声明之外，公司代表裴逸群还向记者透露，实验仪器来自日本。"])
    assert [(name, text[:4]) for name, *_, text in found] == [
        ("上海汇达丰律师事务所有关律师", "广告没有"), ("裴逸群", "这个产品"), ("裴逸群", "实验仪器")]


def test_a_long_text_that_never_reports_is_no_report_and_holds_no_statements():
    essay = ["柏拉图认为，人的灵魂分为三部分。" + "这种看法影响了后来的许多哲学家，也影响了后人对人性的理解。" * 20] * 4
    report = [essay[0], "记者昨日采访了王强。王强说，这种看法很有道理。" + "新华社北京1月12日电，" * 3] + essay[1:]
    assert quotes_of(essay) == []
    assert ("柏拉图", "认为") in [(name, cue) for name, _, cue, *_ in quotes_of(report)]


def test_a_long_text_whose_own_words_say_i_or_you_is_no_report_though_its_quotations_may():
    telling = "那天下午，他坐在门口晒太阳，看着街上来往的行人，想起了年轻时在码头做工的日子。"
    blog = ["今天我又想起了老王。老王说，“日子总会好起来的。”" + telling * 10 + "我一直记得这句话，也想讲给你听。" * 6] * 4
    report = ["今天记者来到码头。老王说，“我这辈子就在这里，我哪儿也不去，你们放心。”" * 6 + telling * 10] * 4
    assert quotes_of(blog) == []
    assert ("老王", "说") in [(name, cue) for name, _, cue, *_ in quotes_of(report)]


def test_a_cue_taking_what_others_said_as_its_object_introduces_nothing():
    found = quotes_of(["韩寒回应麦田的质疑，并写下《小破文章一篇》的博文。", "郭德纲称，是其知名度的问题。",
                       "麦田由此怀疑，韩寒的文章可能是代笔。"])
    assert [(name, cue, text[:3]) for name, _, cue, _, _, text in found] == [("郭德纲", "称", "是其知"), ("麦田", "怀疑", "韩寒的")]


def test_a_given_name_alone_is_the_person_named_in_full_and_he_goes_on_in_a_new_statement():
    found = quotes_of(["梁思浩心有余悸。梁思浩于2002年在九龙塘一食肆遭两名大汉打了耳光，其后思浩表示事发地点并非一间食肆内。",
                       "林孟儒医师说，急性牙髓炎是常见的求诊情况，他建议，年前先把蛀牙补好。"])
    assert [(name, cue, via) for name, _, cue, _, via, _ in found] == [
        ("梁思浩", "表示", "coref"), ("林孟儒", "说", "name"), ("林孟儒", "建议", "coref")]


def test_a_bodys_top_people_and_that_person_again_with_a_manner_or_a_colon():
    found = quotes_of(["广汽有关高层人士表示，不会生产乘用车。韩国现代高层表示，产量的三分之一将放在中国。",
                       "该人士回答巧妙，“至于现代如何处理广汽与江淮的关系，那是现代要考虑的事情。”",
                       "为超级本投入已超3亿美元的英特尔预计，今年上市的超级本将超过75款。"])
    assert [(name, kind, cue, via) for name, kind, cue, _, via, _ in found] == [
        ("广汽有关高层人士", "office", "表示", "name"), ("韩国现代高层", "office", "表示", "name"),
        ("韩国现代高层", "office", "回答", "coref"), ("英特尔", "organisation", "预计", "name")]


def test_a_zero_subject_after_a_clause_that_names_someone_after_their_post():
    found = quotes_of(["中国人民大学讲师郭春宁昨日便率先抢购龙年邮票，称他的父亲非常热爱集邮。",
                       "本地邮票收藏家王先生昨日则一口气狂扫10套邮票，强调自己每年都会购买。", "这批邮票为画家田庆华设计，称为龙票。"])
    assert [(name, cue) for name, _, cue, *_ in found] == [("郭春宁", "称"), ("王先生", "强调")]


def test_an_appeal_to_the_public_is_a_statement_whatever_the_verb_otherwise_takes():
    found = quotes_of(["處長林鴻忠希望民眾經常走向大自然，投入森林懷抱。", "处长林鸿忠希望明年再来。"])
    assert [(name, cue, text[:2]) for name, _, cue, _, _, text in found] == [("林鸿忠", "希望", "民眾")]


def test_the_public_addressed_before_a_comma_is_no_part_of_what_was_said_nor_today_of_the_speaker():
    found = quotes_of(["今天气象局提醒大家，周六开始又会有冷空气。疾管局呼吁您，预防流感没有别的方法，就是要多洗手。"])
    assert [(name, text[:4]) for name, *_, text in found] == [("气象局", "周六开始"), ("疾管局", "预防流感")]


def test_a_cue_whose_clause_goes_on_to_when_and_another_cue_leaves_the_statement_to_the_later():
    [quote] = quotes_of(["国家知识产权局局长申长雨出席论坛。他在谈到专利审查时表示，要进一步提高审查质量。"])
    assert quote[0] == "申长雨" and quote[2] == "表示" and quote[5] == "要进一步提高审查质量。"


def test_a_name_after_a_quoted_epithet_is_mentioned_and_a_quoted_title_is_no_one():
    found = quotes_of(["陈贤妹红了眼圈。“最美女孩”刁娜通过视频为陈贤妹颁奖，她说：“当我救人的时候，首先就想到了您。”"])
    assert [(name, text[:4]) for name, *_, text in found] == [("刁娜", "当我救人")]
    found = quotes_of(["孙启勤一直对记者说：“我并不是个把钱看得很重的人。”", "志当水乡的“刘老根”",
                       "投资兴办山庄显示出孙启勤的与众不同。他对记者说：“我并不想把一大笔钱吃光用光。”"])
    assert [name for name, *_ in found] == ["孙启勤", "孙启勤"]


def test_a_quotation_paragraph_goes_to_the_speaker_the_next_short_paragraph_names():
    found = quotes_of(["“改革的环境压力已经很明确。”周其仁说。", "“我主张宏观政策相对稳定，但是改革一定要加快。”",
                       "中国社会科学院金融研究所所长李扬说。"])
    assert [(name, text[:4]) for name, *_, text in found] == [("周其仁", "改革的环"), ("李扬", "我主张宏")]


def test_foreign_names_spelt_with_the_common_transliteration_characters_are_whole():
    found = quotes_of(["福特总裁兼首席执行官詹姆士潘迪拉说：“中国市场潜力巨大，消费者青睐小型车。”",
                       "艾尼亚特·斯拉木守护这座桥已有20年。他说：“看着过桥上学的孩子就很满足。”"])
    assert [name for name, *_ in found] == ["詹姆士潘迪拉", "艾尼亚特·斯拉木"]


def test_an_opening_quotation_goes_on_from_the_paragraph_before_only_if_nothing_else_is_told():
    found = quotes_of(["国防大学教授金一南向老兵敬礼，他说：“这样的军魂要一代代延续下去。”",
                       "“一年一度，我们这样被感动；一年一度，我们把力量传递。”在主持人的结束语中，典礼落下帷幕。",
                       "裴逸群对整个事件持有两点质疑。“作为消费者，使用产品不适，却通过媒体炒作。”裴逸群表示。",
                       "“此外，她聘请的所谓代理律师，实际上只是一名自由人。”此是裴逸群质疑之二。"])
    assert [(name, text[:4]) for name, *_, text in found] == [("金一南", "这样的军"), ("裴逸群", "作为消费"), ("裴逸群", "此外，她")]


def test_a_quoted_epithet_before_a_name_is_no_quotation_but_a_short_exclamation_is():
    found = quotes_of(["谭定才教了3000多个学生。“拐杖老师”谭定才说，孩子们的笑容是最好的止疼片。", "“没问题！”王强说。"])
    assert [(name, kind, text) for name, _, _, kind, _, text in found] == [
        ("谭定才", "indirect", "孩子们的笑容是最好的止疼片。"), ("王强", "direct", "没问题！")]


def test_a_zero_subject_after_a_quotation_and_content_opening_with_for_the_sake_of():
    found = quotes_of(["方熙接受采访时曾表示，“柯达致力于为个人和企业客户带来创新的解决方案。”并指出全年主要业务增长动因将来自新业务。",
                       "编剧宁财神则表示为了度娘，以后不用谷歌了。"])
    assert [(name, text[:4]) for name, *_, text in found] == [("方熙", "柯达致力"), ("方熙", "全年主要"), ("宁财神", "为了度娘")]


def test_a_named_persons_lawyer_is_an_office_and_an_office_opening_a_clause_goes_on_to_its_cue():
    found = quotes_of(["陆娟起诉了丈夫。陆娟的律师认为，双方当事人并没有提出管辖异议。",
                       "陆娟的律师目前已经向法院提出异议，认为此案已超过期限。",
                       "耐克的英国发言人倒颇有绅士风度，表示非常重视，并且会深入研究。"])
    assert [(name, kind, text[:4]) for name, kind, *_, text in found] == [
        ("陆娟的律师", "office", "双方当事"), ("陆娟的律师", "office", "此案已超"), ("耐克的英国发言人", "office", "非常重视")]


def test_straight_quotation_marks_quote_like_curly_ones():
    found = quotes_of(['郭德纲坦然表示，既然已经报警了，"该罚钱罚钱，该道歉道歉，临时工我们会辞掉。"言外之意很清楚。'])
    assert ("郭德纲", "direct", "该罚钱罚钱，该道歉道歉，临时工我们会辞掉。") in [(name, kind, text) for name, _, _, kind, _, text in found]


def test_a_name_after_a_post_counts_before_a_verb_and_he_is_that_person():
    found = quotes_of(["该消息的采写人为该报记者李青春。几天前，本报终于与中国新闻社河南分社记者史宝银取得了联系。"
                       "第一次跟他联系时，他说他采访了张丙炎本人。"])
    assert [(name, via) for name, _, _, _, via, _ in found] == [("史宝银", "coref")]


def test_a_people_is_no_one_he_can_mean():
    found = quotes_of(["编剧朱耀廷一直关注考古消息。朱耀廷介绍说，蒙古族子孙不希望墓被发掘。",
                       "按照传统观念，蒙古人的习俗很特别，蒙古人认为挖掘土地会带来坏运气。他认为，大规模的考古已经违反了祭祀文化。"])
    assert [name for name, *_ in found] == ["朱耀廷", "朱耀廷"]
