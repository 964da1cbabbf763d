import ControlPlane
import Testing

/// `s3://` addresses from clients: taken apart only when they can mean one place.
@Suite struct ObjectAddressTests {
    @Test func plainAddressesAndTheirNesting() throws {
        let root = try #require(ObjectAddress("s3://ml/zenml/"))
        let file = try #require(ObjectAddress("s3://ml/zenml/run/viz.html"))
        #expect(root.bucket == "ml" && root.segments == ["zenml"] && file.key == "zenml/run/viz.html")
        #expect(file.isWithin(root) && root.isWithin(root) && !root.isWithin(file))
        #expect(try #require(ObjectAddress("s3://ml/zenml-other/x")).isWithin(root) == false)
        #expect(try #require(ObjectAddress("s3://other/zenml/x")).isWithin(root) == false)
        #expect(try #require(ObjectAddress("s3://ml")).segments == [])
    }

    @Test func addressesThatCouldMeanTwoPlacesAreRefused() {
        for uri in ["s3://ml/zenml/../secrets/x", "s3://ml/zenml/./x", "s3://ml/zenml//x", "s3://ml/a\\b", "s3:///key", "s3://",
                    "s3://ml/a\u{0}b", "s3://ml/a\nb", "/local/path", "file:///x", "S3://ml/x", "gs://ml/x"] {
            #expect(ObjectAddress(uri) == nil, "\(uri)")
        }
    }
}
