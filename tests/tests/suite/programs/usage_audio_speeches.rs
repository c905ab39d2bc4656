use openai_usage::*;

pub fn run() {
    let params = UsageAudioSpeechesParams::new(1730419200)
        .end_time(1730505600)
        .bucket_width(UsageBucketWidth::OneHour)
        .project_ids(["proj_1"])
        .user_ids(vec![String::from("user_1")])
        .api_key_ids(["key_1"])
        .models(["tts-1"])
        .group_by([UsageAudioSpeechesGroupBy::Model])
        .limit(24)
        .page("page_1");
    params.validate().unwrap();
    assert!(!params.to_query().is_empty());
}
