#pragma once
// Channel plugins carry a stored, signed batch to a platform by some way other than the
// gateway's own HTTPS uploader (files on a 前置机, rows in a 前置库, ...), and bring its receipt
// back. They never encode, sign or judge records: the target plugin made the bytes, the store
// keeps the batch's state, and the gateway applies the receipt (Gateway::uploadDue). A target
// names its channel in its profile (<setting name="channel" value="filedrop"/>); without one
// it is "https", the core's HttpsUploader, which is not a plugin.
//
// The outcome classes are the uploader's, so one set of rules (RetryPolicy, the batch states
// of RecordStore) serves every channel:
//   Ok            the platform has the batch (a receipt may come with it or later);
//   Transient     nothing was handed over and trying again later is safe;
//   Permanent     the platform refuses the batch for good: it becomes dead;
//   Unknown       the platform may have the batch: it stays in doubt and is only asked for
//                 (collect) until it answers, never sent again blindly;
//   NotFound      (collect only) the platform surely never got it: sending is safe.

#include <map>
#include <string>

#include "creditgw/Status.h"
#include "creditgw/TargetPlugin.h"

namespace creditgw {

/// The channel of a profile without a `channel` setting: the core's HttpsUploader.
inline constexpr const char* kHttpsChannel = "https";

/// A batch as the store keeps it: the exact bytes that were signed, re-sent unchanged.
struct ChannelBatch {
    std::string id;           ///< the batch id: the platform's idempotency key
    std::string target;       ///< "creditchina"
    std::string kind;         ///< "cf"
    std::string contentType;  ///< the target plugin's MIME type of `payload`
    std::string payload;      ///< the signed bytes
    std::string signature;    ///< SM2-with-SM3 signature of payload, as stored (DER)
    std::string signerId;
    std::string createdAt;    ///< when it was queued, ISO 8601 with offset
};

/// What a channel knows after a send or a collect that succeeded.
struct ChannelAnswer {
    bool hasReceipt = false;  ///< false: handed over, the receipt is still to come
    std::string receipt;      ///< the platform's receipt, parsed by the target plugin
    std::string note;         ///< for the log when there is no receipt yet ("waiting since …")
};

class ChannelPlugin {
public:
    virtual ~ChannelPlugin() = default;
    virtual std::string name() const = 0;
    /// Called once, before any other call. `settings` are the run-time ones of the target
    /// (TargetSettings::channel: folders, connection, key files) over the profile's
    /// `channel.*` settings (the prefix removed). InvalidArgument naming the missing or bad
    /// setting and how to give it (flag and configuration key).
    virtual Status configure(const TargetProfile& profile, const std::map<std::string, std::string>& settings) = 0;
    /// Hands one batch over. Must be idempotent per batch id: after a crash the gateway may
    /// call it again for a batch collect() reported NotFound. Outcomes as above.
    virtual Result<ChannelAnswer> send(const ChannelBatch& batch) = 0;
    /// What the platform says about a batch that was (or, after a crash, may have been)
    /// handed over: the receipt, "no receipt yet" (Ok without one), NotFound when it surely
    /// never got the batch, Unknown when no receipt came within the channel's receipt timeout,
    /// Permanent when the platform refused it, Transient when the channel could not ask.
    virtual Result<ChannelAnswer> collect(const ChannelBatch& batch) = 0;
    /// Called once the receipt is committed to the store: the channel may now tidy up what it
    /// kept for the batch (move files to done/). Never called before, so a crash in between
    /// finds the receipt again. A failure is logged; the batch stays done.
    virtual Status acknowledge(const ChannelBatch& batch) = 0;
    /// Called before the gateway gives a batch up (dead: refused, or in doubt past its retry
    /// limit), because a dead batch's records may be re-queued and sent again in a new batch.
    /// Takes the batch back, atomically, so the platform can no longer pick it up. Ok: withdrawn
    /// now or before, or never handed over; the batch may go dead. Unknown: the platform has
    /// taken it (or may have), so it stays in doubt, asked for until its receipt comes, never
    /// dead-and-requeueable. Transient: could not tell now; it stays in doubt and is tried
    /// again. Never deletes what it withdraws.
    virtual Status withdraw(const ChannelBatch& batch) = 0;
};

}  // namespace creditgw
