package dev.cloudimages.store.s3;

import dev.cloudimages.cloud.aws.AwsStoreAccess;
import dev.cloudimages.store.StoreFailures;
import dev.cloudimages.support.BuildException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;

import java.util.Set;

/**
 * S3 errors of the store as one line: the store's URL, what was being done, what S3 answered and
 * what to do. The SDK's messages carry no secrets, and only their first sentence is kept.
 */
final class S3Failures {

    private static final Set<String> DENIED = Set.of("AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch",
            "AllAccessDisabled", "AccountProblem", "AuthFailure");
    private static final Set<String> EXPIRED = Set.of("ExpiredToken", "TokenRefreshRequired", "RequestExpired",
            "InvalidToken");

    private final String url;
    private final String bucket;
    private final AwsStoreAccess access;

    S3Failures(String url, String bucket, AwsStoreAccess access) {
        this.url = url;
        this.bucket = bucket;
        this.access = access;
    }

    static boolean isStatus(SdkException e, int... statuses) {
        if (e instanceof AwsServiceException service) {
            for (int status : statuses) {
                if (service.statusCode() == status) {
                    return true;
                }
            }
        }
        return false;
    }

    /** A conditional write that lost: 412 PreconditionFailed, or 409 when another write raced it in S3. */
    static boolean lostCondition(SdkException e) {
        return isStatus(e, 412, 409) || AwsStoreAccess.code(e).equals("PreconditionFailed")
                || AwsStoreAccess.code(e).equals("ConditionalRequestConflict");
    }

    BuildException of(String doing, SdkException e) {
        String code = AwsStoreAccess.code(e);
        String where = "store " + url + ": ";
        if (code.equals("NoSuchBucket")) {
            return noBucket();
        }
        if (EXPIRED.contains(code)) {
            return new BuildException(where + "credentials expired while " + doing + " (" + access.describe() + "); "
                    + access.loginHint(), e);
        }
        if (DENIED.contains(code) || isStatus(e, 401, 403)) {
            return new BuildException(where + "access denied while " + doing + " (" + access.describe() + "): "
                    + (code.isEmpty() ? "" : code + ": ") + AwsStoreAccess.message(e) + "; the store needs"
                    + " s3:GetObject, s3:PutObject, s3:DeleteObject, s3:ListBucket, s3:ListBucketMultipartUploads and"
                    + " s3:AbortMultipartUpload on bucket '" + bucket + "', or "
                    + access.loginHint(), e);
        }
        if (code.equals("PermanentRedirect") || code.equals("AuthorizationHeaderMalformed") || isStatus(e, 301)) {
            return new BuildException(where + "bucket '" + bucket + "' is not in " + access.region() + " ("
                    + AwsStoreAccess.message(e) + "); set AWS_REGION to the bucket's region", e);
        }
        if (!(e instanceof AwsServiceException) && StoreFailures.unreachable(e)) {
            return new BuildException(where + "cannot reach S3 at " + access.endpoint() + " while " + doing + " ("
                    + AwsStoreAccess.message(e) + "); check the network, or AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL", e);
        }
        return new BuildException(where + doing + " failed (" + access.describe() + "): "
                + (code.isEmpty() ? "" : code + ": ") + AwsStoreAccess.message(e), e);
    }

    BuildException noBucket() {
        return StoreFailures.noBucket(url, bucket, access.describe());
    }

}
