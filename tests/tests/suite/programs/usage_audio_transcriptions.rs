use openai_usage::*;

pub fn run() {
    let params = UsageAudioTranscriptionsParams::new(1730419200)
        .end_time(1730505600)
        .bucket_width(UsageBucketWidth::OneDay)
        .project_ids(["proj_1"])
        .user_ids(["user_1"])
        .api_key_ids(["key_1"])
        .models(["whisper-1"])
        .group_by([UsageAudioTranscriptionsGroupBy::UserId])
        .limit(7)
        .page("page_1");
    params.validate().unwrap();
    assert!(!params.to_query().is_empty());
}
