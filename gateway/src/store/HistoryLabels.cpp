#include "creditgw/HistoryLabels.h"

#include <utility>

namespace creditgw {

const char* historyEventInChinese(const std::string& event) {
    static const std::pair<const char*, const char*> kLabels[] = {
        {"ingested", "已导入"},          {"corrected", "已更正（新版本）"},
        {"held", "暂存（校验未通过）"}, {"ready", "校验通过，待打包"},
        {"packed", "已打包签名"},        {"sent", "已发送"},
        {"accepted", "平台已接收"},      {"rejected", "平台退回"},
        {"dead", "发送失败（已停止重试）"}, {"revoke_queued", "撤销已打包"},
        {"revoked", "已撤销"},           {"takedown_queued", "下线已打包"},
        {"taken_down", "已下线"},        {"repair_queued", "终止公示已打包"},
        {"repaired", "已终止公示（信用修复）"}, {"reconciled", "已对账"},
        {"discarded", "已作废"}};
    for (const auto& [name, label] : kLabels)
        if (event == name) return label;
    return nullptr;
}

}  // namespace creditgw
