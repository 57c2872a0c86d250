#include "catalog.h"

namespace huifang::visit {
namespace {

v1::ScriptSection section(const char* key, const char* text, const char* satisfied = "", const char* unsatisfied = "") {
  v1::ScriptSection s;
  s.set_key(key);
  s.set_text(text);
  s.set_text_if_satisfied(satisfied);
  s.set_text_if_unsatisfied(unsatisfied);
  return s;
}

v1::SurveyDimension dim(const char* key, const char* label) {
  v1::SurveyDimension d;
  d.set_key(key);
  d.set_label(label);
  d.set_optional(true);  // any dimension may be left unrated
  return d;
}

std::vector<v1::SurveyDimension> survey_for(const std::string& industry) {
  if (industry == "logistics")
    return {dim("delivery_punctuality", "配送及时率 / delivery punctuality"),
            dim("dispatch_punctuality", "发运及时率 / dispatch punctuality"),
            dim("receipt_return_punctuality", "回单及时率 / receipt-return punctuality"),
            dim("cargo_safety", "货物安全 / cargo safety"), dim("service_attitude", "服务态度 / service attitude"),
            dim("driver_attitude", "司机态度 / driver attitude")};
  if (industry == "lender")
    return {dim("channel", "获知渠道 / channel that brought you"), dim("price", "价格 / price"),
            dim("term", "期限 / term"), dim("staff", "工作人员 / staff")};
  if (industry == "hospital")
    return {dim("medical_care", "医疗服务 / medical care"), dim("nursing", "护理服务 / nursing"),
            dim("service_attitude", "服务态度 / service attitude"), dim("environment", "就医环境 / environment"),
            dim("overall", "总体满意度 / overall satisfaction")};
  return {dim("quality", "质量 / quality"), dim("service_effect", "服务效果 / service effect"),
          dim("overall", "总体满意度 / overall satisfaction")};
}

}  // namespace

Script script_for(const std::string& category) {
  const std::string industry = category.substr(0, category.find('.'));
  const bool inpatient = category.find("inpatient") != std::string::npos;
  Script s;
  s.sections = {
      section("greeting",
              inpatient ? "您好，我是医院的回访员，请问您出院后恢复得怎么样？ / Hello, this is the hospital's follow-up "
                          "service; how is your recovery since discharge?"
                        : "您好，我是客服回访员，打扰您几分钟。 / Hello, this is customer service; may I take a few minutes?"),
      section("introduction", "本次回访是为了了解您对我们服务的感受。 / We call to hear how our service went for you."),
      section("small_talk", "最近一切都好吗？ / How have things been?"),
      section("status", "请问目前的情况如何（恢复、使用、服务结果）？ / How is it going now (recovery, use, result)?"),
      section("advice", "这里有几点建议供您参考。 / Here is some advice that may help."),
      section("survey", "请您按 1 到 10 分为以下几项打分。 / Please rate the following from 1 to 10.",
              "感谢您的肯定，我们会继续保持。 / Thank you, we will keep it up.",
              "非常抱歉给您带来不便，我们会记录并尽快给您答复。 / We are sorry; we will record this and give you a "
              "definite reply time."),
      section("related", "还有其他需要或建议吗？ / Any other needs or suggestions?"),
      section("thanks", "感谢您的配合，祝您生活愉快！ / Thank you for your time!"),
  };
  s.survey = survey_for(industry);
  return s;
}

}  // namespace huifang::visit
