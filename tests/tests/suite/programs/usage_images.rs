use openai_usage::*;

pub fn run() {
    let params = UsageImagesParams::new(1730419200)
        .end_time(1730505600)
        .bucket_width(UsageBucketWidth::OneDay)
        .sources([ImageSource::Generation, ImageSource::Edit])
        .sizes([ImageSize::Size1024x1024])
        .project_ids(["proj_1"])
        .user_ids(["user_1"])
        .api_key_ids(["key_1"])
        .models(["dall-e-3"])
        .group_by([UsageImagesGroupBy::Size, UsageImagesGroupBy::Source])
        .limit(7)
        .page("page_1");
    params.validate().unwrap();
    assert!(!params.to_query().is_empty());
}
