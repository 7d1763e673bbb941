package project

import (
	"strings"
	"testing"
)

// TestImageNamesFromFiles checks that a Dockerfile or image folder whose
// name gives no valid image name is an error naming the file, never
// skipped or renamed.
func TestImageNamesFromFiles(t *testing.T) {
	tests := []struct {
		file string // under src/c/build/, or an image folder's name
		want string // error prefix; "" means the image loads under that name
	}{
		{"bad@name.dockerfile", `src/c/build/bad@name.dockerfile: image name "bad@name" (from the file name) must be lower case`},
		{"-lead.dockerfile", `src/c/build/-lead.dockerfile: image name "-lead" (from the file name) must be`},
		{"sp ace.dockerfile", `src/c/build/sp ace.dockerfile: image name "sp ace"`},
		{"a:b.dockerfile", `src/c/build/a:b.dockerfile: image name "a:b"`},
		{"x..y.dockerfile", `src/c/build/x..y.dockerfile: image name "x..y" (from the file name)`},
		{"trail..dockerfile", `src/c/build/trail..dockerfile: image name "trail." (from the file name)`},
		{".dockerfile", `src/c/build/.dockerfile: .dockerfile names no image`},
		{"MyImage.dockerfile", `src/c/build/MyImage.dockerfile: image name "MyImage" (from the file name) must be lower case letters and digits, joined by single . _ or -; rename the file to myimage.dockerfile`},
		{"web.K8s.dockerfile", `src/c/build/web.K8s.dockerfile: variant "K8s" (from the file name) must be lower case letters and digits, joined by single _ or -; rename the file to web.k8s.dockerfile`},
		{"web.k8s.dockerfile", ""},
		{"web-app_2.common.dockerfile", ""},
		{"folder:Hadoop", `src/Hadoop/image.yaml: image name "Hadoop" (from the folder name) must be lower case letters and digits, joined by single . _ or -; rename the folder to hadoop`},
		{"folder:hadoop-run", ""},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			files := map[string]string{"src/c/build/" + tt.file: "FROM scratch\n"}
			if folder, ok := strings.CutPrefix(tt.file, "folder:"); ok {
				files = map[string]string{"src/" + folder + "/Dockerfile": "FROM scratch\n", "src/" + folder + "/image.yaml": ""}
			}
			p, err := load(t, repo(t, files), "k8s")
			if tt.want == "" {
				if err != nil || len(p.Images) != 1 {
					t.Fatalf("want one image, got %v", err)
				}
				return
			}
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("error = %v\nwant prefix %q", err, tt.want)
			}
		})
	}
}
